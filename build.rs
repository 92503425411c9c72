//! Rebuild when the curriculum or a migration changes: `src/content/source.rs` embeds
//! `prompts/` with `include_dir!`, and `store` embeds `migrations/` (both folders) with
//! `sqlx::migrate!`; neither can tell cargo (on stable Rust) which files it read.

fn main() {
    println!("cargo:rerun-if-changed=prompts");
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=build.rs");
}
