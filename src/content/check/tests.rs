use std::cell::RefCell;

use super::*;
use crate::content::model::{CommitmentTemplate, Prompt, QuizItem, Reflection};

/// Records every item it is asked about, and reports one made-up problem for `acc-m4-q03`.
#[derive(Default)]
struct Recorder {
    asked: RefCell<Vec<String>>,
}

impl ItemFit for Recorder {
    fn prompt_problems(&self, _: &Track, _: &Module, prompt: &Prompt) -> Vec<String> {
        self.asked.borrow_mut().push(prompt.id.clone());
        Vec::new()
    }

    fn quiz_problems(&self, _: &Track, _: &Module, item: &QuizItem) -> Vec<String> {
        self.asked.borrow_mut().push(item.id.clone());
        match item.id.as_str() {
            "acc-m4-q03" => vec![
                "feedback for option 2: embed description: Must be 4096 or fewer in length.".into(),
            ],
            _ => Vec::new(),
        }
    }

    fn reflection_problems(&self, reflection: &Reflection) -> Vec<String> {
        self.asked.borrow_mut().push(reflection.id.clone());
        Vec::new()
    }

    fn commitment_problems(&self, template: &CommitmentTemplate) -> Vec<String> {
        self.asked.borrow_mut().push(template.id.clone());
        Vec::new()
    }
}

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")
}

#[test]
fn every_item_is_measured_in_the_form_the_bot_posts_it() {
    let recorder = Recorder::default();
    let problems = check(&shipped(), &recorder);
    let curriculum = load::load(&shipped()).expect("the shipped curriculum loads");
    // An open-ended program's modules are other tracks' modules: each item is measured once.
    let every_id: Vec<String> = curriculum
        .tracks
        .iter()
        .filter(|t| !t.is_open())
        .flat_map(|t| &t.modules)
        .flat_map(|m| load::item_ids(m).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let mut asked = recorder.asked.into_inner();
    let mut expected = every_id.clone();
    asked.sort();
    expected.sort();
    assert_eq!(asked, expected);
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        ["accomplice/04-allyship-in-everyday-interactions.toml: acc-m4-q03: does not fit Discord's limits: \
          feedback for option 2: embed description: Must be 4096 or fewer in length."]
    );
}

#[test]
fn the_shipped_curriculum_has_no_problems() {
    let problems = check(&shipped(), &crate::bot::render::DiscordFit);
    assert!(problems.is_empty(), "{problems:#?}");
}
