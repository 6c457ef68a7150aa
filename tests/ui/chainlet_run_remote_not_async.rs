use chainmodel::prelude::*;

#[derive(Default)]
pub struct Worker;

#[chainlet]
impl Worker {
    pub fn run_remote(&self, x: i64) -> i64 {
        x
    }
}

fn main() {}
