//! A stream written as a function that sends its items one by one, run only while the
//! stream's reader asks for items.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_util::Stream;

use crate::server::RemoteError;

type Producer = Pin<Box<dyn Future<Output = Result<(), RemoteError>> + Send>>;

/// The stream of what `producer` sends through its [`Yielder`], then its error if it fails.
///
/// The producer is no task of its own: it runs inside the stream's `poll_next`, so it runs
/// only while the reader asks for the next item (a slow reader slows it; one item is held at
/// a time), and it stops where it stands when the stream is dropped (a client that goes
/// away stops it). What a Python chainlet writes as an async generator:
///
/// ```
/// use chainmodel::chains::streaming::{Yielder, generate};
/// use futures_util::StreamExt;
///
/// let lines = generate(|mut out: Yielder<String>| async move {
///     for i in 0..3 {
///         out.send(format!("raw-{i}\n")).await;
///     }
///     Ok::<_, chainmodel::server::RemoteError>(())
/// });
/// let lines: Vec<String> =
///     futures_util::FutureExt::now_or_never(lines.map(Result::unwrap).collect()).unwrap();
/// assert_eq!(lines, ["raw-0\n", "raw-1\n", "raw-2\n"]);
/// ```
pub fn generate<T, P, Fut, E>(producer: P) -> Generated<T>
where
    T: Send + 'static,
    P: FnOnce(Yielder<T>) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<RemoteError>,
{
    let slot = Arc::new(Mutex::new(None));
    let future = producer(Yielder { slot: Arc::clone(&slot) });
    Generated { slot, producer: Some(Box::pin(async move { future.await.map_err(Into::into) })), failed: None }
}

/// The sending end given to a [`generate`] producer.
#[derive(Debug)]
pub struct Yielder<T> {
    slot: Arc<Mutex<Option<T>>>,
}

impl<T> Yielder<T> {
    /// Hands `item` to the reader; resolves once the reader has taken it.
    pub fn send(&mut self, item: T) -> SendItem<'_, T> {
        SendItem { slot: &self.slot, item: Some(item) }
    }
}

/// The future of [`Yielder::send`].
#[derive(Debug)]
#[must_use = "an item is sent only when the future is awaited"]
pub struct SendItem<'a, T> {
    slot: &'a Mutex<Option<T>>,
    item: Option<T>,
}

impl<T> Unpin for SendItem<'_, T> {}

impl<T> Future for SendItem<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(item) = self.item.take() {
            // The producer pauses here; the stream's `poll_next`, which polled it, hands the
            // item over and polls it again when the next item is wanted.
            *slot = Some(item);
            return Poll::Pending;
        }
        if slot.is_some() { Poll::Pending } else { Poll::Ready(()) }
    }
}

/// The stream [`generate`] makes: `Ok` items, then `Err` once if the producer fails.
#[must_use = "streams do nothing unless polled"]
pub struct Generated<T> {
    slot: Arc<Mutex<Option<T>>>,
    producer: Option<Producer>,
    /// The producer's error, when it ended with an item still to hand over.
    failed: Option<RemoteError>,
}

impl<T> std::fmt::Debug for Generated<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generated").field("finished", &self.producer.is_none()).finish_non_exhaustive()
    }
}

impl<T> Stream for Generated<T> {
    type Item = Result<T, RemoteError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(producer) = self.producer.as_mut() else { return Poll::Ready(self.failed.take().map(Err)) };
        let outcome = producer.as_mut().poll(cx);
        let item = self.slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        match (outcome, item) {
            // Sent, and the producer waits for it to be taken (or, ending, sent it last).
            (Poll::Pending, Some(item)) => Poll::Ready(Some(Ok(item))),
            (Poll::Pending, None) => Poll::Pending,
            (Poll::Ready(result), item) => {
                self.producer = None;
                match (item, result) {
                    (Some(item), result) => {
                        self.failed = result.err();
                        Poll::Ready(Some(Ok(item)))
                    }
                    (None, Ok(())) => Poll::Ready(None),
                    (None, Err(error)) => Poll::Ready(Some(Err(error))),
                }
            }
        }
    }
}
