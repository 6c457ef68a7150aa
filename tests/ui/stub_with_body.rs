use chainmodel::prelude::*;

#[stub]
pub trait Worker {
    async fn run_remote(&self, x: i64) -> i64 {
        x
    }
    fn other(&self);
}

fn main() {}
