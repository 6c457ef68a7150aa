use chainmodel::prelude::*;

#[derive(Default)]
pub struct Worker;

#[chainlet]
impl Worker {
    pub async fn run_remote(self, x: i64) -> i64 {
        x
    }
}

#[derive(Default)]
pub struct Mutating;

#[chainlet]
impl Mutating {
    pub async fn run_remote(&mut self, (a, b): (i64, i64)) -> i64 {
        a + b
    }
}

fn main() {}
