//! The demo's readable record: who did what, and what the bot answered. Printed as it happens
//! and written to the output folder at the end. Discord markup is shown the way a Discord
//! client would show it: channel links as #names, timestamps as dates in the demo's zone.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::sim::{Reply, SimMessage};

pub struct Transcript {
    text: String,
    channels: HashMap<u64, String>,
    zone: Tz,
    /// The last answer shown, so a repeat can say "the same as above".
    last_answer: Option<String>,
    /// Messages already written out in full.
    shown: std::collections::HashSet<u64>,
    /// The demo clock's time, for relative timestamps ("in 2 days").
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// Files written beside the transcript: (name, bytes).
    files: Vec<(String, Vec<u8>)>,
}

impl Default for Transcript {
    fn default() -> Self {
        Self {
            text: String::new(),
            channels: HashMap::new(),
            zone: chrono_tz::Europe::London,
            last_answer: None,
            shown: Default::default(),
            now: None,
            files: Vec::new(),
        }
    }
}

impl Transcript {
    pub fn set_now(&mut self, now: chrono::DateTime<chrono::Utc>) {
        self.now = Some(now);
    }

    pub fn name_channel(&mut self, id: u64, name: &str) {
        self.channels.insert(id, format!("#{name}"));
    }

    fn line(&mut self, line: impl AsRef<str>) {
        let shown = self.humanize(line.as_ref());
        println!("{shown}");
        let _ = writeln!(self.text, "{shown}");
    }

    /// `<#id>` -> `#name`, `<t:unix:style>` -> a date, and raw channel ids -> `#name`.
    fn humanize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let Some(end) = tail.find('>') else {
                out.push_str(tail);
                return self.name_raw_ids(out);
            };
            out.push_str(
                &self
                    .markup(&tail[1..end])
                    .unwrap_or_else(|| tail[..=end].to_owned()),
            );
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        self.name_raw_ids(out)
    }

    fn markup(&self, inner: &str) -> Option<String> {
        if let Some(id) = inner.strip_prefix('#') {
            return self.channels.get(&id.parse().ok()?).cloned();
        }
        let mut parts = inner.strip_prefix("t:")?.split(':');
        let instant =
            DateTime::from_timestamp(parts.next()?.parse().ok()?, 0)?.with_timezone(&self.zone);
        Some(match parts.next() {
            Some("t") => instant.format("%H:%M").to_string(),
            Some("R") => relative(instant.to_utc() - self.now?),
            _ => instant.format("%a %-d %b %Y %H:%M %Z").to_string(),
        })
    }

    fn name_raw_ids(&self, mut text: String) -> String {
        for (id, name) in &self.channels {
            text = text.replace(&id.to_string(), name);
        }
        text
    }

    pub fn heading(&mut self, title: &str) {
        self.line("");
        self.line(format!("== {title} =="));
    }

    pub fn note(&mut self, text: impl AsRef<str>) {
        self.line(format!("   {}", text.as_ref()));
    }

    pub fn action(&mut self, who: &str, what: impl AsRef<str>) {
        self.line(format!("{who} › {}", what.as_ref()));
    }

    pub fn reply(&mut self, to: &str, reply: &Reply) {
        match reply {
            Reply::Message(message) | Reply::Updated(message) => self.answer(to, message),
            Reply::Modal(modal) => self.line(format!(
                "allybot › (opens a form for {to}: \"{}\")",
                modal.title
            )),
            Reply::Choices(choices) => {
                let names: Vec<&str> = choices.iter().map(|c| c.name.as_str()).collect();
                self.line(format!("allybot › (suggests) {}", names.join(", ")));
            }
        }
    }

    /// A personal answer; an answer identical to the previous one is not repeated in full.
    fn answer(&mut self, to: &str, message: &SimMessage) {
        let text = message.text();
        if self.last_answer.as_deref() == Some(text.as_str()) && message.buttons().is_empty() {
            let who = if message.ephemeral {
                format!("only {to} sees this")
            } else {
                "in the channel".into()
            };
            self.line(format!("allybot › ({who}) the same answer as above"));
            return;
        }
        self.last_answer = Some(text);
        self.message(to, message);
    }

    /// Whether `message` was already written out.
    pub fn seen(&self, message: u64) -> bool {
        self.shown.contains(&message)
    }

    /// A message as its readers see it, with its buttons.
    pub fn message(&mut self, audience: &str, message: &SimMessage) {
        self.shown.insert(message.id);
        let who = if message.ephemeral {
            format!("(only {audience} sees this)")
        } else {
            format!("(in {audience})")
        };
        self.line(format!("allybot › {who}"));
        for line in message.text().lines() {
            self.line(format!("    │ {line}"));
        }
        let buttons: Vec<String> = message
            .buttons()
            .iter()
            .map(|b| format!("[{}]", b.label))
            .collect();
        if !buttons.is_empty() {
            self.line(format!("    │ {}", buttons.join(" ")));
        }
        for (name, bytes) in &message.attachments {
            self.line(format!("    │ (attached: {name}, {} bytes)", bytes.len()));
        }
    }

    /// A file to write beside the transcript (a summary's chart), named as in the transcript.
    pub fn keep_file(&mut self, name: &str, bytes: &[u8]) {
        self.note(format!("(saved beside this transcript as {name})"));
        self.files.push((name.to_owned(), bytes.to_vec()));
    }

    pub fn save(&self, folder: &Path) -> std::io::Result<std::path::PathBuf> {
        std::fs::create_dir_all(folder)?;
        let path = folder.join("transcript.txt");
        std::fs::write(&path, &self.text)?;
        for (name, bytes) in &self.files {
            std::fs::write(folder.join(name), bytes)?;
        }
        Ok(path)
    }
}

/// "in 2 days", "3 hours ago": as Discord shows a relative timestamp.
fn relative(delta: chrono::Duration) -> String {
    // Discord's thresholds: minutes under an hour, hours under about a day, then rounded days.
    let (amount, unit) = match delta.num_minutes().abs() {
        m if m < 60 => (m, "minute"),
        m if m < 22 * 60 => ((m + 30) / 60, "hour"),
        m => ((m + 12 * 60) / (24 * 60), "day"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    if delta >= chrono::Duration::zero() {
        format!("in {amount} {unit}{plural}")
    } else {
        format!("{amount} {unit}{plural} ago")
    }
}
