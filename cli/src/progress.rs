//! A progress bar on stderr for large transfers, when stderr is a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;

use chainmodel::client::{Direction, Transfer};
use indicatif::{ProgressBar, ProgressStyle};

/// Transfers smaller than this show no bar.
const THRESHOLD: u64 = 4 << 20;

/// The progress callback for the client, or `None` when stderr is not a terminal.
pub fn reporter() -> Option<impl Fn(Transfer) + Send + Sync + 'static> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bars: Mutex<[Option<ProgressBar>; 2]> = Mutex::new([None, None]);
    Some(move |transfer: Transfer| {
        let Ok(mut bars) = bars.lock() else { return };
        let slot = &mut bars[transfer.direction as usize];
        if slot.is_none() && transfer.total.unwrap_or(transfer.done) < THRESHOLD {
            return;
        }
        let bar = slot.get_or_insert_with(|| new_bar(transfer));
        bar.set_position(transfer.done);
        if transfer.total == Some(transfer.done) {
            bar.finish();
        }
    })
}

fn new_bar(transfer: Transfer) -> ProgressBar {
    let verb = match transfer.direction {
        Direction::Upload => "sending",
        Direction::Download => "receiving",
    };
    let bar = match transfer.total {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{msg:>9} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{msg:>9} {spinner} {bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.with_message(verb)
}
