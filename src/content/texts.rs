//! Every text a participant reads, item by item, named as problem and warning lines name it
//! ("option 2 explanation"). The tone lint and the spelling warning walk these same lists, so
//! a new field is checked by both or by neither. Sources are not here: they are citations,
//! kept in the cited work's own spelling and words.

use super::model::{CommitmentTemplate, Module, Prompt, QuizItem, Reflection, Track};

/// One text of an item and its name in messages.
pub type Field<'a> = (String, &'a str);

pub fn field<'a>(name: &str, text: &'a str) -> Field<'a> {
    (name.to_owned(), text)
}

pub fn prompt(prompt: &Prompt) -> Vec<Field<'_>> {
    let mut texts = vec![field("title", &prompt.title), field("text", &prompt.text)];
    texts.extend(prompt.reflection.as_deref().map(|r| field("reflection", r)));
    texts.extend(
        prompt
            .content_note
            .as_deref()
            .map(|n| field("content_note", n)),
    );
    texts
}

pub fn quiz(item: &QuizItem) -> Vec<Field<'_>> {
    let mut texts = vec![field("scenario", &item.scenario)];
    texts.extend(
        item.content_note
            .as_deref()
            .map(|n| field("content_note", n)),
    );
    for (index, option) in item.options.iter().enumerate() {
        texts.push((format!("option {} text", index + 1), option.text.as_str()));
        texts.push((
            format!("option {} explanation", index + 1),
            option.explanation.as_str(),
        ));
    }
    texts
}

pub fn reflection(reflection: &Reflection) -> Vec<Field<'_>> {
    vec![field("text", &reflection.text)]
}

pub fn commitment(template: &CommitmentTemplate) -> Vec<Field<'_>> {
    vec![field("when", &template.when), field("will", &template.will)]
}

/// The manifest's texts: the track's title and description, and each module's title, summary
/// and outcomes.
pub fn manifest(track: &Track) -> Vec<Field<'_>> {
    let mut texts = vec![
        field("title", &track.title),
        field("description", &track.description),
    ];
    for module in &track.modules {
        texts.extend(module_texts(module));
    }
    texts
}

fn module_texts(module: &Module) -> Vec<Field<'_>> {
    let number = module.number;
    let mut texts = vec![
        (format!("module {number} title"), module.title.as_str()),
        (format!("module {number} summary"), module.summary.as_str()),
    ];
    for (index, outcome) in module.outcomes.iter().enumerate() {
        texts.push((
            format!("module {number} outcome {}", index + 1),
            outcome.as_str(),
        ));
    }
    texts
}
