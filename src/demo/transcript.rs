//! The demo's readable record: who did what, and what the bot answered. Printed as it happens
//! and written to the output folder at the end.

use std::fmt::Write as _;
use std::path::Path;

use crate::sim::{Reply, SimMessage};

#[derive(Default)]
pub struct Transcript {
    text: String,
}

impl Transcript {
    fn line(&mut self, line: impl AsRef<str>) {
        println!("{}", line.as_ref());
        let _ = writeln!(self.text, "{}", line.as_ref());
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
            Reply::Message(message) | Reply::Updated(message) => self.message(to, message),
            Reply::Modal(modal) => self.line(format!(
                "allybot › (opens a form for {to}) \"{}\"",
                modal.title
            )),
            Reply::Choices(choices) => {
                let names: Vec<&str> = choices.iter().map(|c| c.name.as_str()).collect();
                self.line(format!("allybot › (suggests) {}", names.join(", ")));
            }
        }
    }

    /// A message as its readers see it, with its buttons.
    pub fn message(&mut self, audience: &str, message: &SimMessage) {
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
    }

    pub fn save(&self, folder: &Path) -> std::io::Result<std::path::PathBuf> {
        std::fs::create_dir_all(folder)?;
        let path = folder.join("transcript.txt");
        std::fs::write(&path, &self.text)?;
        Ok(path)
    }
}
