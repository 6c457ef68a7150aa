use chainmodel::prelude::*;

#[derive(Default)]
pub struct Worker;

#[chainlet]
impl Worker {
    pub async fn run(&self, x: i64) -> i64 {
        x
    }
}

fn main() {}
