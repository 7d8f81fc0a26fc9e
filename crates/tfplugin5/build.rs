//! Generates the gRPC code for plugin protocol 5 (`tfplugin5`) and go-plugin's
//! controller/stdio services (`plugin`) from `proto/`.
//!
//! protoc comes from `protoc-bin-vendored` unless `PROTOC` is set, so a fresh
//! machine needs no system protoc; its bundled include directory supplies the
//! well-known types (`google/protobuf/timestamp.proto`, `empty.proto`).

use std::error::Error;
use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "proto/tfplugin5.proto",
    "proto/grpc_controller.proto",
    "proto/grpc_stdio.proto",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-env-changed=PROTOC");
    if std::env::var_os("PROTOC").is_none() {
        // build scripts are single-threaded, so mutating the environment is sound.
        std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?);
    }
    let well_known: PathBuf = protoc_bin_vendored::include_path()?;
    let includes = [PathBuf::from("proto"), well_known];
    let protos: Vec<PathBuf> = PROTOS.iter().map(PathBuf::from).collect();

    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // Every RPC we do not implement answers UNIMPLEMENTED instead of
        // forcing an implementation (Terraform maps that to a clean diagnostic).
        .generate_default_stubs(true)
        .compile_protos(&protos, &includes)?;
    Ok(())
}
