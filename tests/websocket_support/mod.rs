//! The WebSocket chainlet the WebSocket tests serve (tests/websocket.rs and
//! tests/websocket_python.rs): the Rust twin of tests/python/chains/websocket_echo.py's `Echo`,
//! with the words the Rust tests add.
#![allow(dead_code)]

use std::time::Duration;

use chainmodel::chains::websocket::{Message, WebSocket};
use chainmodel::prelude::*;
use chainmodel::server::Chainlet;

#[derive(ChainModel, Debug, PartialEq, Clone)]
pub struct Greeting {
    pub name: String,
    pub times: i64,
}

/// The Echo chainlet of tests/python/chains/websocket_echo.py: text and bytes echoed, `close`
/// returns, `fail` fails, `panic` panics, `json` reads the next message as a `Greeting` and
/// answers it with `times` doubled.
pub fn echo() -> axum::Router {
    Chainlet::websocket(|mut websocket: WebSocket| async move {
        loop {
            match websocket.receive().await? {
                Message::Text(text) if text == "close" => return Ok(()),
                Message::Text(text) if text == "fail" => return Err(RemoteError::new("ValueError", "echo failed")),
                Message::Text(text) if text == "panic" => panic!("echo panicked"),
                Message::Text(text) if text == "json" => {
                    let greeting: Greeting = websocket.receive_json().await?;
                    websocket.send_json(&Greeting { times: greeting.times * 2, ..greeting }).await?;
                }
                Message::Text(text) if text == "headers" => {
                    let id = websocket.headers().get("x-baseten-request-id").cloned();
                    websocket.send_text(id.map(|id| id.to_str().unwrap().to_owned()).unwrap_or_default()).await?;
                }
                message => websocket.send(message).await?,
            }
        }
    })
    .name("Echo")
    .websocket_ping(Duration::from_millis(200), Duration::from_millis(300))
    .into_router()
}
