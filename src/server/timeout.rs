//! The body read timeout: a request body whose client pauses longer than the timeout fails
//! with [`BodyReadTimeout`].
//!
//! The timer is armed only while the client keeps the server waiting: a body whose bytes are
//! already in (every small request) is read without one.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::BoxError;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// A body read stopped because the client paused longer than the body read timeout.
#[derive(Debug)]
pub(crate) struct BodyReadTimeout;

impl fmt::Display for BodyReadTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the client paused sending the request body longer than the body read timeout")
    }
}

impl Error for BodyReadTimeout {}

/// `body`, failing with [`BodyReadTimeout`] when no frame comes for `timeout` while it is read.
pub(crate) struct ReadTimeout<B> {
    body: B,
    timeout: Duration,
    /// Armed when the body last answered `Pending`; `None` once a frame has come.
    pause: Option<Pin<Box<Sleep>>>,
}

impl<B> ReadTimeout<B> {
    pub(crate) fn new(body: B, timeout: Duration) -> Self {
        ReadTimeout { body, timeout, pause: None }
    }
}

impl<B> Body for ReadTimeout<B>
where
    B: Body + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, BoxError>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            this.pause = None;
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let pause = this.pause.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + timeout)));
        match pause.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyReadTimeout.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    /// A body that never sends anything.
    struct Silent;

    impl Body for Silent {
        type Data = bytes::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_body_times_out_after_the_timeout() {
        let started = Instant::now();
        let error = ReadTimeout::new(Silent, Duration::from_secs(60)).frame().await.unwrap().unwrap_err();
        assert!(error.is::<BodyReadTimeout>(), "{error}");
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_is_in_is_read_without_a_timer() {
        let mut body = ReadTimeout::new(http_body_util::Full::new(bytes::Bytes::from_static(b"abc")), Duration::ZERO);
        // A zero timeout would fail any read that waited.
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "abc");
        assert!(body.frame().await.is_none());
        assert!(body.pause.is_none());
    }
}
