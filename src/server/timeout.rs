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
use tokio::time::Sleep;

/// The error of a request body whose client paused longer than the body read timeout
/// ([`Serve::body_read_timeout`](super::Serve::body_read_timeout)), in the source chain of the
/// body's error; [`Model`](super::Model) and [`AlignedBody`](super::AlignedBody) answer it
/// with `408`.
#[derive(Debug)]
pub struct BodyReadTimeout;

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
        // `sleep` caps a timeout too long to add to now (`Duration::MAX`: no timeout).
        let pause = this.pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
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
    use bytes::Bytes;
    use http_body_util::BodyExt;
    use std::time::Instant;

    /// A body that sends its frames, each after a pause, then ends.
    struct Paced {
        frames: Vec<(Duration, &'static [u8])>,
        pause: Option<Pin<Box<Sleep>>>,
    }

    impl Body for Paced {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            let Some(&(after, data)) = self.frames.first() else { return Poll::Ready(None) };
            let pause = self.pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(after)));
            std::task::ready!(pause.as_mut().poll(cx));
            self.pause = None;
            self.frames.remove(0);
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(data)))))
        }
    }

    async fn read(frames: Vec<(Duration, &'static [u8])>, timeout: Duration) -> Result<Vec<u8>, BoxError> {
        let body = ReadTimeout::new(Paced { frames, pause: None }, timeout);
        // Bounded, whatever happens.
        let read = tokio::time::timeout(Duration::from_secs(30), body.collect()).await.expect("the read ends");
        Ok(read?.to_bytes().to_vec())
    }

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test]
    async fn a_pause_longer_than_the_timeout_fails_the_read() {
        let started = Instant::now();
        let error = read(vec![(MS, b"a"), (Duration::from_secs(20), b"b")], 100 * MS).await.unwrap_err();
        assert!(error.is::<BodyReadTimeout>(), "{error}");
        assert!(started.elapsed() >= 100 * MS && started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn each_frame_starts_the_pause_again() {
        // Five pauses of 60 ms: 300 ms in all, more than the timeout, but none longer.
        let frames = vec![(60 * MS, &b"a"[..]); 5];
        assert_eq!(read(frames, 250 * MS).await.unwrap(), b"aaaaa");
    }

    #[tokio::test]
    async fn a_body_that_is_in_is_read_without_a_timer() {
        let mut body = ReadTimeout::new(http_body_util::Full::new(Bytes::from_static(b"abc")), Duration::ZERO);
        // A zero timeout would fail any read that waited.
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "abc");
        assert!(body.frame().await.is_none());
        assert!(body.pause.is_none());
    }

    #[tokio::test]
    async fn the_longest_timeout_is_no_timeout() {
        assert_eq!(read(vec![(10 * MS, b"a"), (10 * MS, b"b")], Duration::MAX).await.unwrap(), b"ab");
    }
}
