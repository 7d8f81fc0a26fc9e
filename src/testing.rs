//! Helpers of the unit tests.

use std::collections::BTreeMap;

use tfplugin5_framework::Context;

/// A context whose client points at a closed port, for unit tests of paths
/// that make no API call.
pub fn offline_context(type_name: &str) -> Context<crate::ProviderData> {
    use crate::config::{self, ProviderSettings};
    let env = BTreeMap::from([
        ("BAIDUCLOUD_ACCESS_KEY".to_owned(), "AK".to_owned()),
        ("BAIDUCLOUD_SECRET_KEY".to_owned(), "SK".to_owned()),
        (
            "BAIDUCLOUD_ENDPOINT".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        ),
    ]);
    let settings: ProviderSettings =
        config::resolve(&config::schema().empty_value(), &env).expect("settings");
    let client = baidu_vpc::BaiduClient::new(settings.client_config()).expect("client");
    Context::new(
        std::sync::Arc::new(crate::ProviderData {
            settings,
            client,
            plans_destroys: false,
        }),
        tokio_util::sync::CancellationToken::new(),
        None,
        type_name,
        "test",
    )
}
