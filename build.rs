//! Rebuild when the curriculum changes: `src/content/source.rs` embeds `prompts/` with
//! `include_dir!`, which (on stable Rust) cannot tell cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=prompts");
    println!("cargo:rerun-if-changed=build.rs");
}
