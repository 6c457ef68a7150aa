//! [`Errors`]: the errors of one value, collected while decoding goes on past them.

use super::Error;

/// The errors found so far in one value (a model's fields, a list's items), each with its
/// place in pydantic's order (a field's rank in the model, an item's index): decoding goes on
/// past an error until the value ends, the input turns out malformed, or the errors reach
/// [`Error::MAX_ERRORS`].
#[derive(Default)]
pub struct Errors {
    found: Vec<(usize, Error)>,
    count: usize,
}

impl Errors {
    /// An empty list.
    #[inline]
    pub const fn new() -> Self {
        Errors { found: Vec::new(), count: 0 }
    }

    /// A value at place `rank` was read after all: a key given twice keeps its last value, as
    /// pydantic does, so the errors of an earlier value there are forgotten.
    #[inline]
    pub fn settle(&mut self, rank: usize) {
        if !self.found.is_empty() {
            self.forget(rank);
        }
    }

    #[cold]
    fn forget(&mut self, rank: usize) {
        let count = &mut self.count;
        self.found.retain(|(found, error)| {
            let keep = *found != rank;
            if !keep {
                *count -= error.count();
            }
            keep
        });
    }

    /// Whether an error was found at place `rank`.
    #[inline]
    pub fn has(&self, rank: usize) -> bool {
        self.found.iter().any(|(found, _)| *found == rank)
    }

    /// Adds `error`, found at place `rank`; a fatal error, or one that brings the count to
    /// [`Error::MAX_ERRORS`], ends decoding: it comes back as `Err` (with the errors found so
    /// far, cut at the limit, in the second case).
    #[cold]
    pub fn push(&mut self, rank: usize, error: Error) -> Result<(), Error> {
        if error.is_fatal() && !error.inner.truncated {
            return Err(error);
        }
        let truncated = error.inner.truncated;
        self.count += error.count();
        self.found.push((rank, error));
        if truncated || self.count >= Error::MAX_ERRORS {
            let mut all = std::mem::take(self).merge();
            all.inner.more.truncate(Error::MAX_ERRORS - 1);
            all.inner.truncated = true;
            return Err(all);
        }
        Ok(())
    }

    /// `Ok` if no error was found, else every error in pydantic's order as one.
    #[inline]
    pub fn finish(self) -> Result<(), Error> {
        if self.found.is_empty() { Ok(()) } else { Err(self.merge()) }
    }

    /// Every error found, in pydantic's order, as one.
    #[cold]
    fn merge(mut self) -> Error {
        self.found.sort_by_key(|(rank, _)| *rank);
        let mut found = self.found.into_iter().map(|(_, error)| error);
        let mut first = found.next().expect("not empty");
        first.inner.complete_from = None;
        for mut error in found {
            let more = std::mem::take(&mut error.inner.more);
            first.inner.truncated |= error.inner.truncated;
            first.inner.more.push(error);
            first.inner.more.extend(more);
        }
        first
    }
}
