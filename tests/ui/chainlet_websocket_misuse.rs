use chainmodel::chains::websocket::WebSocket;
use chainmodel::prelude::*;

#[derive(Default)]
pub struct TooMany;

// The connection comes alone, and nothing is returned but through it.
#[chainlet]
impl TooMany {
    pub async fn run_remote(&self, websocket: WebSocket, extra: i64) -> Result<(), RemoteError> {
        let _ = (websocket, extra);
        Ok(())
    }
}

#[derive(Default)]
pub struct Answers;

#[chainlet]
impl Answers {
    pub async fn run_remote(&self, websocket: WebSocket) -> Result<String, RemoteError> {
        drop(websocket);
        Ok(String::new())
    }
}

fn main() {}
