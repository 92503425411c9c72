//! Tiny curricula written to a temp folder and loaded as the check loads them, so each
//! quality test states only the items it is about.

use std::fs;

use crate::content::load;
use crate::content::model::Curriculum;
use crate::content::quality::{self, Warning};

/// The module file of [`Fixture::module`].
pub const FILE: &str = "fx/01-module.toml";

/// Option texts of known lengths (10, 11 and 20 characters), for the answer-cue rule.
pub const TEN: &str = "Ten chars.";
pub const ELEVEN: &str = "Eleven now.";
pub const TWENTY: &str = "Twenty characters ok";

/// The lines that contain `text`.
pub fn with(lines: &[String], text: &str) -> Vec<String> {
    lines.iter().filter(|l| l.contains(text)).cloned().collect()
}

/// One track of an organization's own (no program titles to match), with module files.
pub struct Track {
    pub id: &'static str,
    /// Each module's items, as TOML; module numbers follow the order.
    pub modules: Vec<String>,
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(tracks: &[Track]) -> Fixture {
        let dir = tempfile::tempdir().expect("a temp folder");
        for track in tracks {
            let folder = dir.path().join(track.id);
            fs::create_dir_all(&folder).expect("a track folder");
            let mut manifest = format!(
                "id = \"{}\"\ntitle = \"Fixture\"\nversion = \"1\"\ndescription = \"A fixture.\"\n",
                track.id
            );
            for (index, items) in track.modules.iter().enumerate() {
                let number = index + 1;
                manifest.push_str(&format!(
                    "\n[[modules]]\nnumber = {number}\ntitle = \"Module {number}\"\n\
                     summary = \"What it covers.\"\noutcomes = [\"Something.\"]\n"
                ));
                let file = folder.join(format!("{number:02}-module.toml"));
                fs::write(file, format!("module = {number}\n{items}")).expect("a module file");
            }
            fs::write(folder.join("track.toml"), manifest).expect("a manifest");
        }
        Fixture { dir }
    }

    /// One track `fx` with one module holding `items`.
    pub fn module(items: &str) -> Fixture {
        Fixture::new(&[Track {
            id: "fx",
            modules: vec![items.to_owned()],
        }])
    }

    pub fn curriculum(&self) -> (Curriculum, Vec<String>) {
        let loaded = load::read(self.dir.path());
        // A module without prompts loads (its items are all there), which lets a test state
        // quiz items alone; anything else means the fixture itself is broken.
        let broken: Vec<String> = loaded
            .problems
            .iter()
            .filter(|p| !p.message.starts_with("has no prompts"))
            .map(ToString::to_string)
            .collect();
        assert!(broken.is_empty(), "the fixture loads: {broken:#?}");
        (loaded.curriculum, loaded.manifests)
    }

    pub fn warnings(&self) -> Vec<Warning> {
        let (curriculum, manifests) = self.curriculum();
        quality::warnings(&curriculum, &manifests)
    }

    /// The warning lines, as `content check` prints them.
    pub fn lines(&self) -> Vec<String> {
        self.warnings().iter().map(ToString::to_string).collect()
    }
}

fn quote(text: &str) -> String {
    format!("{text:?}") // a TOML basic string: Rust's escapes for " and \ are TOML's too
}

fn list(sources: &[&str]) -> String {
    let quoted: Vec<String> = sources.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

pub fn prompt(id: &str, title: &str, text: &str, sources: &[&str]) -> String {
    format!(
        "\n[[prompts]]\nid = \"{id}\"\nfour_a = \"action\"\ntitle = {}\ntext = {}\nsources = {}\n",
        quote(title),
        quote(text),
        list(sources)
    )
}

/// A quiz item; the first option is the best answer.
pub fn quiz(id: &str, scenario: &str, options: &[&str], sources: &[&str]) -> String {
    let mut item = format!(
        "\n[[quiz]]\nid = \"{id}\"\nfour_a = \"action\"\ndifficulty = \"easy\"\nscenario = {}\nsources = {}\n",
        quote(scenario),
        list(sources)
    );
    for (index, text) in options.iter().enumerate() {
        item.push_str(&format!(
            "\n[[quiz.options]]\ntext = {}\ncorrect = {}\nexplanation = \"Why.\"\n",
            quote(text),
            index == 0
        ));
    }
    item
}

pub fn reflection(id: &str, text: &str, sources: &[&str]) -> String {
    format!(
        "\n[[reflections]]\nid = \"{id}\"\nfour_a = \"awareness\"\ntext = {}\nsources = {}\n",
        quote(text),
        list(sources)
    )
}

pub fn commitment(id: &str, when: &str, will: &str, sources: &[&str]) -> String {
    format!(
        "\n[[commitments]]\nid = \"{id}\"\nfour_a = \"action\"\nwhen = {}\nwill = {}\nsources = {}\n",
        quote(when),
        quote(will),
        list(sources)
    )
}
