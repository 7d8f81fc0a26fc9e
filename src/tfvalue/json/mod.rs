//! cty's JSON value encoding (go-cty `cty/json`), used by Terraform for
//! `UpgradeResourceState` raw state and other JSON-carried values.

pub(crate) mod string;
