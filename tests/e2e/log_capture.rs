//! The bot's log lines as an operator would read them, captured for one test: the crate's own
//! filter at `trace` (which still caps the libraries that see raw Discord traffic). The capture
//! is this thread's default subscriber, so the test must run on a current-thread runtime (the
//! default for `#[tokio::test]`), where the bot's tasks run too.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::subscriber::DefaultGuard;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Logs {
    buffer: Buffer,
    _guard: DefaultGuard,
}

impl Logs {
    pub fn capture() -> Self {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(allybot::telemetry::filter_from("trace"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        Logs {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.0.lock().unwrap_or_else(|e| e.into_inner()))
            .into_owned()
    }

    /// Waits until a line contains `needle` (or `limit` passes); returns whether one did.
    pub async fn wait_for(&self, needle: &str, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            if self.text().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.text().contains(needle)
    }
}
