//! The memory the request bodies in flight may hold together: a byte budget bodies take as
//! their bytes arrive, so that many large uploads wait their turn (or are refused with `503`)
//! instead of exhausting memory, and a client that only claims a length holds nothing.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ModelRejection;

/// The budget counts in units of this many bytes (a tokio semaphore's permits; one acquisition
/// takes at most `u32::MAX` of them).
const UNIT: usize = 1024;

/// The memory, in bytes, that the request bodies being read and decoded may hold together.
///
/// A body takes from the budget the bytes that arrive, as they arrive (a `Content-Length` is a
/// claim, and a claim costs nothing until its bytes come: a client cannot hold the budget
/// without sending what it holds). When the budget is short, the body waits (at most
/// [`max_wait`](Self::max_wait), 30 s by default) for bodies in flight to be done, then is
/// refused with `503` (truss's format, code 600, so that clients retry). Only a body that
/// holds nothing yet, or the oldest of those holding some, waits: a younger one that cannot
/// grow is refused at once, giving back what it held, so that bodies never wait on each other
/// and the oldest always gets what the others give back. A body that declares more
/// than the whole budget is refused with `413` before it is read. The budget comes back when
/// the [`AlignedBody`](super::AlignedBody) is dropped (or turned into its bytes), that is, for
/// [`Model`](super::Model) and [`Chainlet`](super::Chainlet), once the model is decoded.
///
/// One budget is shared by the whole process, [`BodyBudget::global`], of
/// [`DEFAULT_BYTES`](Self::DEFAULT_BYTES) (4 GiB: two bodies of the default
/// [`BodyLimit`](super::BodyLimit)); give a server another with
/// [`Serve::body_budget`](super::Serve::body_budget), or some routes theirs with
/// `.layer(axum::Extension(budget))` (also under plain `axum::serve`). Clones share the budget.
///
/// ```
/// use std::time::Duration;
/// use chainmodel::server::BodyBudget;
///
/// let budget = BodyBudget::new(16 << 30).max_wait(Duration::from_secs(5));
/// assert_eq!(budget.bytes(), 16 << 30);
/// assert_eq!(budget.available(), 16 << 30);
/// assert_eq!(BodyBudget::global().bytes(), BodyBudget::DEFAULT_BYTES);
/// ```
#[derive(Clone, Debug)]
pub struct BodyBudget {
    units: Arc<Semaphore>,
    bytes: usize,
    wait: Duration,
    /// The bodies holding some of the budget, by age (their tickets, given in increasing
    /// order, so that pushing keeps the list sorted and its memory is reused), and the next
    /// ticket.
    holders: Arc<Mutex<(Vec<u64>, u64)>>,
}

impl BodyBudget {
    /// The process-wide budget's size: 4 GiB.
    pub const DEFAULT_BYTES: usize = 4 << 30;
    /// How long a body waits for the budget by default: 30 s.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);
    /// The largest budget: about 4 TiB.
    pub const MAX_BYTES: usize = u32::MAX as usize * UNIT;

    /// A budget of `bytes` (rounded down to a kibibyte, at most [`MAX_BYTES`](Self::MAX_BYTES)),
    /// shared by its clones.
    pub fn new(bytes: usize) -> Self {
        let units = (bytes.min(Self::MAX_BYTES) / UNIT).min(Semaphore::MAX_PERMITS);
        BodyBudget {
            units: Arc::new(Semaphore::new(units)),
            bytes: units * UNIT,
            wait: Self::DEFAULT_WAIT,
            holders: Arc::default(),
        }
    }

    /// The budget every request gets that was not given another: [`DEFAULT_BYTES`](Self::DEFAULT_BYTES).
    pub fn global() -> BodyBudget {
        static GLOBAL: OnceLock<BodyBudget> = OnceLock::new();
        GLOBAL.get_or_init(|| BodyBudget::new(Self::DEFAULT_BYTES)).clone()
    }

    /// How long a body waits for the budget its arriving bytes need before it is refused with
    /// `503` (default [`DEFAULT_WAIT`](Self::DEFAULT_WAIT)).
    #[must_use]
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The budget's size, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The bytes no body holds now.
    pub fn available(&self) -> usize {
        self.units.available_permits() * UNIT
    }

    /// A body's share, empty until its bytes arrive; refused at once (`413`) when the body
    /// declares more than the whole budget.
    pub(crate) fn share(&self, declared: Option<usize>) -> Result<BudgetShare, ModelRejection> {
        if let Some(declared) = declared {
            self.units_for(declared)?;
        }
        Ok(BudgetShare { budget: self.clone(), permit: None, units: 0, ticket: None })
    }

    /// The units of `bytes`, or the refusal of a body larger than the whole budget.
    fn units_for(&self, bytes: usize) -> Result<u32, ModelRejection> {
        match u32::try_from(bytes.div_ceil(UNIT)) {
            Ok(units) if units as usize * UNIT <= self.bytes => Ok(units),
            _ => Err(ModelRejection::OverBudget { budget: self.bytes }),
        }
    }
}

impl Default for BodyBudget {
    /// [`BodyBudget::global`].
    fn default() -> Self {
        BodyBudget::global()
    }
}

/// What a body holds of its budget; given back when dropped.
#[derive(Debug)]
pub(crate) struct BudgetShare {
    budget: BodyBudget,
    permit: Option<OwnedSemaphorePermit>,
    units: u32,
    /// The body's age among those holding some of the budget.
    ticket: Option<u64>,
}

impl BudgetShare {
    /// Holds at least `needed` bytes (those that arrived). When the budget is short, a body
    /// that holds nothing yet, or the oldest of those that hold some, waits for it (at most the
    /// budget's wait); a younger one is refused at once, giving back what it holds, so that
    /// bodies never wait on each other: the oldest always gets what the others give back.
    pub(crate) async fn hold(&mut self, needed: usize) -> Result<(), ModelRejection> {
        let needed_units = self.budget.units_for(needed)?;
        if needed_units <= self.units {
            return Ok(());
        }
        let units = Arc::clone(&self.budget.units);
        let busy = ModelRejection::Busy { budget: self.budget.bytes };
        let more = match Arc::clone(&units).try_acquire_many_owned(needed_units - self.units) {
            Ok(more) => more,
            Err(_) if self.ticket.is_some() && !self.is_oldest() => return Err(busy),
            Err(_) => tokio::time::timeout(self.budget.wait, units.acquire_many_owned(needed_units - self.units))
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or(busy)?,
        };
        if self.ticket.is_none() {
            let mut holders = self.budget.holders.lock().unwrap_or_else(PoisonError::into_inner);
            let ticket = holders.1;
            holders.1 += 1;
            holders.0.push(ticket);
            self.ticket = Some(ticket);
        }
        match &mut self.permit {
            Some(permit) => permit.merge(more),
            None => self.permit = Some(more),
        }
        self.units = needed_units;
        Ok(())
    }

    fn is_oldest(&self) -> bool {
        let holders = self.budget.holders.lock().unwrap_or_else(PoisonError::into_inner);
        holders.0.first().copied() == self.ticket
    }
}

impl Drop for BudgetShare {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            let mut holders = self.budget.holders.lock().unwrap_or_else(PoisonError::into_inner);
            if let Ok(at) = holders.0.binary_search(&ticket) {
                holders.0.remove(at);
            }
        }
    }
}
