//! Documentation: the registry-layout pages under `docs/` are generated from
//! the provider's own schema (`terraform providers schema -json`, through the harness)
//! merged into the hand-written templates under `templates/` (tfplugindocs layout:
//! `templates/index.md.tmpl`, `templates/resources/<name>.md.tmpl`,
//! `templates/data-sources/<name>.md.tmpl`, names without the `baidu_` prefix).
//!
//! `UPDATE_DOCS=1 cargo test --test docs` rewrites `docs/`; a plain run fails when a page
//! is stale, missing or extra, when an attribute or block has no description in the
//! schema, or when a page lacks a section every page of its kind must have. The
//! hand-written guides under `docs/guides/` are only checked for registry front matter.

mod common;
mod docs_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::json::json_path;
use common::provider_config::required_providers;
use common::terraform::repo_root;
use common::{terraform_clients, TfWorkdir};
use docs_support::{all_paths, render_schema, render_template, undocumented, PageData};
use serde_json::Value;

const PROVIDER_NAME: &str = "baidu";

/// Registry guides under `docs/guides/`, written by hand, not generated: only their
/// presence and front matter are checked, and an update run never rewrites or removes them.
const HAND_WRITTEN: &[&str] = &["guides/emulator.md", "guides/hostile-input.md"];

/// The front matter the registry needs on a guide page (`subcategory` may be empty).
const GUIDE_FRONT_MATTER: &[&str] = &[
    "---\npage_title: \"",
    "\nsubcategory: ",
    "\ndescription: |-\n  ",
    "\n---\n",
];

fn update_requested() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The provider schema as Terraform reports it (newest client).
fn provider_schema() -> Value {
    let tf = terraform_clients().pop().expect("a Terraform client");
    let mut wd = TfWorkdir::new(&tf);
    wd.log("debug");
    wd.write("main.tf", &required_providers());
    wd.provider_schema()
}

/// One page to generate.
struct Page {
    /// Relative to `docs/`, e.g. `resources/peerconn.md`.
    doc: String,
    /// Relative to the repository root.
    template: String,
    name: String,
    kind: &'static str,
    block: Value,
}

fn pages_for(schema: &Value) -> Vec<Page> {
    let mut pages = vec![Page {
        doc: "index.md".into(),
        template: "templates/index.md.tmpl".into(),
        name: PROVIDER_NAME.into(),
        kind: "Provider",
        block: json_path(schema, &["provider", "block"]).clone(),
    }];
    for (key, dir, kind) in [
        ("resource_schemas", "resources", "Resource"),
        ("data_source_schemas", "data-sources", "Data Source"),
    ] {
        let Some(map) = schema.get(key).and_then(Value::as_object) else {
            continue;
        };
        for (name, entry) in map {
            let short = name
                .strip_prefix(&format!("{PROVIDER_NAME}_"))
                .unwrap_or(name);
            pages.push(Page {
                doc: format!("{dir}/{short}.md"),
                template: format!("templates/{dir}/{short}.md.tmpl"),
                name: name.clone(),
                kind,
                block: json_path(entry, &["block"]).clone(),
            });
        }
    }
    pages
}

/// `dir/*.ext` relative to `base`, e.g. `resources/peerconn.md`.
fn files_under(base: &Path, dir: &str, ext: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(base.join(dir)) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .map(|n| {
            if dir.is_empty() {
                n
            } else {
                format!("{dir}/{n}")
            }
        })
        .collect();
    found.sort();
    found
}

/// Sections every page of its kind must have (the list), checked on the output.
fn missing_sections(page: &Page, text: &str) -> Vec<String> {
    let mut wanted: Vec<&str> = vec!["---\npage_title: ", "## Example Usage", "## Schema"];
    if page.kind == "Provider" {
        wanted.extend([
            "## Authentication",
            "BAIDUCLOUD_ACCESS_KEY",
            "BAIDUCLOUD_SESSION_TOKEN",
            "## Using the emulator",
            "TF_LOG",
        ]);
    }
    if page.kind == "Resource" {
        wanted.extend([
            "## Import",
            "terraform import ",
            "import {",
            "## What a change does",
        ]);
    }
    if block_types_of(&page.block).contains_key("timeouts") {
        wanted.push("## Timeouts");
    }
    wanted
        .into_iter()
        .filter(|w| !text.contains(w))
        .map(|w| format!("{}: no {w:?}", page.doc))
        .collect()
}

fn block_types_of(block: &Value) -> BTreeMap<String, Value> {
    block
        .get("block_types")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// The "what a change does" table of a resource with a lifecycle declaration.
fn change_table(name: &str) -> String {
    use tfbaidu::{acceptor, peerconn};
    use tfplugin5_framework::behaviour::markdown_table;
    match name {
        "baidu_peerconn" => markdown_table(&peerconn::schema::behaviours()),
        "baidu_peerconn_acceptor" => markdown_table(&acceptor::schema::behaviours()),
        _ => String::new(),
    }
}

fn render_page(page: &Page) -> Result<String, String> {
    let root = repo_root();
    let template = std::fs::read_to_string(root.join(&page.template))
        .map_err(|e| format!("{}: {e} (write the template first)", page.template))?;
    let schema_markdown = render_schema(&page.block).map_err(|e| format!("{}: {e}", page.doc))?;
    let data = PageData {
        name: &page.name,
        kind: page.kind,
        provider_name: PROVIDER_NAME,
        description: page
            .block
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(""),
        schema_markdown: &schema_markdown,
        change_table: &change_table(&page.name),
    };
    render_template(&template, &data, root).map_err(|e| format!("{}: {e}", page.template))
}

/// What is wrong with `docs/guides/`: a listed guide missing or without front matter,
/// or a guide that `HAND_WRITTEN` does not list.
fn guide_problems(docs: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for guide in HAND_WRITTEN {
        let Ok(text) = std::fs::read_to_string(docs.join(guide)) else {
            problems.push(format!("docs/{guide} is missing (listed in HAND_WRITTEN)"));
            continue;
        };
        let front_matter_end = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.find("\n---\n"))
            .map_or(0, |end| end + "---\n".len() + "\n---\n".len());
        let front_matter = &text[..front_matter_end];
        for wanted in GUIDE_FRONT_MATTER {
            if !front_matter.contains(wanted) {
                problems.push(format!("docs/{guide}: front matter has no {wanted:?}"));
            }
        }
    }
    for file in files_under(docs, "guides", ".md") {
        if !HAND_WRITTEN.contains(&file.as_str()) {
            problems.push(format!(
                "docs/{file} is not a listed guide (add it to HAND_WRITTEN in tests/docs.rs)"
            ));
        }
    }
    problems
}

#[test]
fn docs_are_generated_from_the_schema_and_up_to_date() {
    let schema = provider_schema();
    let pages = pages_for(&schema);
    let root = repo_root();
    let docs = root.join("docs");
    let update = update_requested();
    let mut problems: Vec<String> = Vec::new();

    // Every attribute and block must say what it is: the page would show a bare type.
    for page in &pages {
        for path in undocumented(&page.block) {
            problems.push(format!(
                "{} {}: {path} has no description in the provider schema",
                page.kind, page.name
            ));
        }
    }

    // Templates and schema types must correspond one to one.
    let templates_dir = root.join("templates");
    let expected_templates: Vec<&str> = pages.iter().map(|p| p.template.as_str()).collect();
    for dir in ["resources", "data-sources"] {
        for file in files_under(&templates_dir, dir, ".md.tmpl") {
            let template = format!("templates/{file}");
            if expected_templates.contains(&template.as_str()) {
                continue;
            }
            problems.push(format!(
                "{template} documents a type the provider does not have"
            ));
        }
    }

    // Render, then compare with (or write) docs/.
    let mut generated: Vec<String> = Vec::new();
    for page in &pages {
        generated.push(page.doc.clone());
        let text = match render_page(page) {
            Ok(text) => text,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        problems.extend(missing_sections(page, &text));
        let rendered_paths = all_paths(&page.block);
        for path in rendered_paths {
            let leaf = path.rsplit('.').next().unwrap_or(&path);
            if !text.contains(&format!("- `{leaf}` ")) {
                problems.push(format!("{}: {path} is not on the page", page.doc));
            }
        }
        let target = docs.join(&page.doc);
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir docs");
            std::fs::write(&target, &text).expect("write page");
            eprintln!("wrote docs/{}", page.doc);
        } else if current.is_none() {
            problems.push(format!("docs/{} is missing", page.doc));
        } else {
            problems.push(format!(
                "docs/{} is stale (schema or template changed)",
                page.doc
            ));
        }
    }

    // Hand-written guides: present, with registry front matter, and no unlisted ones
    // (a guide nobody listed is as likely a leftover as a forgotten entry; never removed).
    problems.extend(guide_problems(&docs));

    // Pages nothing generates any more.
    for file in files_under(&docs, "", ".md")
        .into_iter()
        .chain(files_under(&docs, "resources", ".md"))
        .chain(files_under(&docs, "data-sources", ".md"))
    {
        if generated.contains(&file) {
            continue;
        }
        if update {
            std::fs::remove_file(docs.join(&file)).expect("remove stale page");
            eprintln!("removed docs/{file}");
        } else {
            problems.push(format!("docs/{file} is not generated from any schema type"));
        }
    }

    assert!(
        problems.is_empty(),
        "documentation problems:\n  - {}\n\nFix descriptions in the provider schema (src/), \
         templates in templates/ or examples in examples/, then run \
         `UPDATE_DOCS=1 cargo test --test docs` and commit docs/.",
        problems.join("\n  - ")
    );
}

#[test]
fn every_template_has_its_example_files() {
    // Independent of the provider: the templates refer to example files that must exist
    // (rendering would fail on a missing one, but only once the type is in the schema).
    let root = repo_root();
    let mut missing = Vec::new();
    let mut templates: Vec<PathBuf> = vec![root.join("templates/index.md.tmpl")];
    for dir in ["resources", "data-sources"] {
        templates.extend(
            files_under(&root.join("templates"), dir, ".md.tmpl")
                .into_iter()
                .map(|f| root.join("templates").join(f)),
        );
    }
    for template in &templates {
        let text = std::fs::read_to_string(template)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", template.display()));
        for quoted in text.split('"').skip(1).step_by(2) {
            if quoted.starts_with("examples/") && !root.join(quoted).is_file() {
                missing.push(format!("{} -> {quoted}", template.display()));
            }
        }
    }
    assert!(
        templates.len() >= 5,
        "expected the provider, 2 resource and 2 data-source templates, found {templates:?}"
    );
    assert!(missing.is_empty(), "missing example files: {missing:?}");
}
