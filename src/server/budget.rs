//! The memory the request bodies in flight may hold together: a byte budget bodies take before
//! they are buffered, so that many large uploads wait their turn (or are refused with `503`)
//! instead of exhausting memory.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ModelRejection;

/// The budget counts in units of this many bytes (a tokio semaphore's permits; one acquisition
/// takes at most `u32::MAX` of them).
const UNIT: usize = 1024;

/// The memory, in bytes, that the request bodies being read and decoded may hold together.
///
/// A body with a `Content-Length` takes its whole length from the budget before a byte of it
/// is read; when the budget is short it waits (at most [`max_wait`](Self::max_wait), 30 s by
/// default) for bodies in flight to be done, then is refused with `503` (truss's format, code
/// 600, so that clients retry). A chunked body takes the budget as it grows and is refused with
/// `503` when none is left (it never waits while it holds some, so that bodies cannot wait on
/// each other). A body larger than the whole budget is refused with `413`. The budget comes back
/// when the [`AlignedBody`](super::AlignedBody) is dropped (or turned into its bytes), that is,
/// for [`Model`](super::Model) and [`Chainlet`](super::Chainlet), once the model is decoded.
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
}

impl BodyBudget {
    /// The process-wide budget's size: 4 GiB.
    pub const DEFAULT_BYTES: usize = 4 << 30;
    /// How long a body with a `Content-Length` waits for the budget by default: 30 s.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);
    /// The largest budget: about 4 TiB.
    pub const MAX_BYTES: usize = u32::MAX as usize * UNIT;

    /// A budget of `bytes` (rounded down to a kibibyte, at most [`MAX_BYTES`](Self::MAX_BYTES)),
    /// shared by its clones.
    pub fn new(bytes: usize) -> Self {
        let units = (bytes.min(Self::MAX_BYTES) / UNIT).min(Semaphore::MAX_PERMITS);
        BodyBudget { units: Arc::new(Semaphore::new(units)), bytes: units * UNIT, wait: Self::DEFAULT_WAIT }
    }

    /// The budget every request gets that was not given another: [`DEFAULT_BYTES`](Self::DEFAULT_BYTES).
    pub fn global() -> BodyBudget {
        static GLOBAL: OnceLock<BodyBudget> = OnceLock::new();
        GLOBAL.get_or_init(|| BodyBudget::new(Self::DEFAULT_BYTES)).clone()
    }

    /// How long a body with a `Content-Length` waits for its share before it is refused with
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

    /// Takes `bytes` for a body that declared them, waiting at most the budget's wait.
    pub(crate) async fn take(&self, bytes: usize) -> Result<BudgetShare, ModelRejection> {
        let units = self.units_for(bytes)?;
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.units).acquire_many_owned(units))
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or(ModelRejection::Busy { budget: self.bytes })?;
        Ok(BudgetShare { budget: self.clone(), permit: Some(permit), units })
    }

    /// An empty share, for a body whose length is not declared.
    pub(crate) fn empty_share(&self) -> BudgetShare {
        BudgetShare { budget: self.clone(), permit: None, units: 0 }
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
}

impl BudgetShare {
    /// Holds at least `needed` bytes, `wanted` if the budget has them, without waiting.
    pub(crate) fn grow(&mut self, wanted: usize, needed: usize) -> Result<(), ModelRejection> {
        let needed_units = self.budget.units_for(needed)?;
        if needed_units <= self.units {
            return Ok(());
        }
        let wanted_units = self.budget.units_for(wanted).unwrap_or(needed_units).max(needed_units);
        for units in [wanted_units, needed_units] {
            if let Ok(more) = Arc::clone(&self.budget.units).try_acquire_many_owned(units - self.units) {
                match &mut self.permit {
                    Some(permit) => permit.merge(more),
                    None => self.permit = Some(more),
                }
                self.units = units;
                return Ok(());
            }
        }
        Err(ModelRejection::Busy { budget: self.budget.bytes })
    }
}
