//! A complete provider on this framework in one file: `notes_note`, a note
//! kept as a text file in the directory the provider block names.
//!
//! ```hcl
//! provider "notes" {
//!   directory = "/tmp/notes"
//! }
//!
//! resource "notes_note" "shopping" {
//!   name = "shopping"
//!   text = "milk"
//! }
//! ```
//!
//! What a resource costs: a model (one [`model!`] field per attribute, with
//! its schema builder and what a change does) and its create, read, update
//! and delete. Planning (defaults, `requires_replace`, unknowns for computed
//! values), validation, import and the consistency checks Terraform makes
//! come from the framework.
//!
//! Build it with `cargo build -p tfplugin5-framework --example notes`; the
//! binary is a plugin Terraform can launch (protocol 5, AutoMTLS), for
//! example through a `dev_overrides` entry for `example/notes`. The
//! workspace's end-to-end tests serve this same provider to real Terraform.

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin5::ServeOptions;
use tfplugin5_framework::behaviour::{Effect, Lifecycle};
use tfplugin5_framework::{
    model, validators, ConfigureRequest, Context, CreateRequest, DeleteRequest, Diagnostics,
    GrpcProvider, Model, Provider, ReadRequest, Resource, ResourceList, Schema, Slot,
    UpdateRequest,
};
use tfvalue::Value;

/// The address Terraform knows the provider by.
pub const ADDRESS: &str = "registry.terraform.io/example/notes";

model! {
    /// `provider "notes"`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NotesConfig {
        attributes {
            pub DIRECTORY => directory: String = |a| a
                .required()
                .description("The directory the notes are kept in; it must exist."),
        }
    }
}

model! {
    /// `resource "notes_note"`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Note {
        attributes {
            pub ID => id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .description("The note's name, the id `terraform import` takes."),
            pub NAME => name: String = |a| a
                .required()
                .requires_replace()
                .validate(validators::string_matches("letters, digits, - and _", is_name))
                .description("The note's file name, without `.txt`. Changing it replaces the note.")
                => Lifecycle::new(Effect::Replace, Effect::Refused("Missing required argument")),
            pub TEXT => text: String = |a| a
                .required()
                .description("What the note says. Changed in place.")
                => Lifecycle::new(Effect::InPlace(&["write"]), Effect::Refused("Missing required argument")),
            pub BYTES => bytes: i64 = |a| a
                .computed()
                .description("The length of `text` in bytes."),
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What `configure` produces: where the notes are.
#[derive(Debug)]
pub struct Notes {
    directory: PathBuf,
}

impl Notes {
    fn file(&self, name: &str) -> PathBuf {
        self.directory.join(format!("{name}.txt"))
    }
}

/// The provider.
#[derive(Debug, Default)]
pub struct NotesProvider;

#[async_trait]
impl Provider for NotesProvider {
    type Data = Notes;

    fn schema(&self) -> Schema {
        Schema::of::<NotesConfig>()
    }

    async fn configure(&self, req: ConfigureRequest<'_>, diags: &mut Diagnostics) -> Option<Notes> {
        let config = NotesConfig::decode(req.config);
        match config.directory.into_known() {
            Some(directory) => Some(Notes {
                directory: directory.into(),
            }),
            None => {
                diags.error("Unknown directory", "The notes directory must be known.");
                None
            }
        }
    }

    fn resources(&self) -> ResourceList<Notes> {
        vec![Arc::new(NoteResource)]
    }
}

/// `resource "notes_note"`.
#[derive(Debug)]
pub struct NoteResource;

impl NoteResource {
    /// Writes the planned note and returns its state.
    async fn write(
        ctx: &Context<Notes>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut note = Note::decode(planned);
        let (Some(name), Some(text)) = (note.name.known(), note.text.known()) else {
            diags.error(
                "Unknown note",
                "name and text must be known to write a note.",
            );
            return None;
        };
        if let Err(e) = tokio::fs::write(ctx.provider().file(name), text).await {
            diags.error("Cannot write the note", e.to_string());
            return None;
        }
        note.bytes = Slot::Known(i64::try_from(text.len()).unwrap_or(i64::MAX));
        note.id = note.name.clone();
        Some(note.encode_over(planned))
    }
}

#[async_trait]
impl Resource<Notes> for NoteResource {
    fn type_name(&self) -> &str {
        "notes_note"
    }

    fn schema(&self) -> Schema {
        Schema::of::<Note>()
    }

    async fn create(
        &self,
        ctx: &Context<Notes>,
        req: CreateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        Self::write(ctx, req.planned, diags).await
    }

    async fn read(
        &self,
        ctx: &Context<Notes>,
        req: ReadRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut note = Note::decode(req.state);
        let name = note.id.known()?.clone();
        match tokio::fs::read_to_string(ctx.provider().file(&name)).await {
            Ok(text) => {
                note.bytes = Slot::Known(i64::try_from(text.len()).unwrap_or(i64::MAX));
                note.text = Slot::Known(text);
                note.name = Slot::Known(name);
                Some(note.encode_over(req.state))
            }
            // Deleted outside Terraform: gone from the state, created again
            // by the next apply.
            Err(e) if e.kind() == ErrorKind::NotFound && !req.imported => None,
            Err(e) => {
                diags.error(format!("Cannot read note {name:?}"), e.to_string());
                None
            }
        }
    }

    async fn update(
        &self,
        ctx: &Context<Notes>,
        req: UpdateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        Self::write(ctx, req.planned, diags).await
    }

    async fn delete(&self, ctx: &Context<Notes>, req: DeleteRequest<'_>, diags: &mut Diagnostics) {
        let Some(name) = Note::decode(req.prior).id.into_known() else {
            return;
        };
        match tokio::fs::remove_file(ctx.provider().file(&name)).await {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => diags.error(format!("Cannot delete note {name:?}"), e.to_string()),
        }
    }
}

#[allow(dead_code)] // The tests that include this file serve it themselves.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tfplugin5::tls::install_default_crypto_provider();
    let provider = match GrpcProvider::new(NotesProvider) {
        Ok(provider) => provider,
        Err(e) => {
            eprintln!("notes: {e}");
            return ExitCode::FAILURE;
        }
    };
    match tfplugin5::serve(provider, ServeOptions::managed(ADDRESS)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("notes: {e}");
            ExitCode::FAILURE
        }
    }
}
