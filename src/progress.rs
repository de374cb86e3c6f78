//! The progress bar of `housecall plan` (indicatif), fed by the solver's progress hook.

use housecall_core::Seconds;
use std::time::Duration;

/// A progress bar on stderr for solves that run longer than a second, when stderr is a
/// terminal: the best plan found so far (over all searches) and the time left. It shows only
/// counts and durations, never a booking.
pub struct ProgressDisplay {
    started: std::time::Instant,
    state: std::sync::Arc<std::sync::Mutex<Shown>>,
}

/// The bar once shown, and the best `(served, drive)` reported so far.
type Shown = (Option<indicatif::ProgressBar>, Option<(usize, i64)>);

impl ProgressDisplay {
    pub fn on_terminal(started: std::time::Instant) -> Option<Self> {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal().then(|| ProgressDisplay {
            started,
            state: Default::default(),
        })
    }

    pub fn hook(&self) -> housecall_core::ProgressHook {
        let (started, state) = (self.started, self.state.clone());
        housecall_core::ProgressHook(std::sync::Arc::new(move |p: housecall_core::Progress| {
            if started.elapsed() < Duration::from_secs(1) {
                return;
            }
            let Ok(mut state) = state.lock() else { return };
            let (bar, best) = &mut *state;
            // Most served, then least driving.
            if best.is_none_or(|(s, d)| (p.served, -p.drive) > (s, -d)) {
                *best = Some((p.served, p.drive));
            }
            let bar = bar.get_or_insert_with(|| {
                let bar = indicatif::ProgressBar::new(1000);
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("planning [{bar:30}] {msg}")
                {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            });
            bar.set_position((p.done * 1000.0) as u64);
            // The search's own measure of how far it has come gives the time left.
            let spent = started.elapsed().as_secs_f64();
            let left = spent * (1.0 - p.done) / p.done.max(1e-3);
            if let Some((served, drive)) = best {
                bar.set_message(format!(
                    "best so far: {served} served, drive {} (about {left:.0} s left)",
                    Seconds(*drive).duration_text()
                ));
            }
        }))
    }

    pub fn finish(self) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(bar) = state.0.take() {
                bar.finish_and_clear();
            }
        }
    }
}
