use chainmodel::prelude::*;

#[derive(Default)]
pub struct Worker;

#[chainlet]
impl Worker {
    pub async fn run_remote(&self, path: std::path::PathBuf) -> String {
        path.display().to_string()
    }
}

fn main() {}
