//! Audit events: every issuance and denial is a `tracing` event with caller, connector and
//! principal, never a secret. (Its own test binary: tracing caches callsite interest per process.)

use std::sync::Arc;

use aws_connector::{Caller, Connector, CredentialSource, PrincipalType, Registry};

#[derive(Clone, Default)]
struct Buf(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn issuances_and_denials_are_audited_without_secrets() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let reg = Registry::builder()
        .connector(
            Connector::builder("audited")
                .source(CredentialSource::access_key(
                    "AKIAIOSFODNN7EXAMPLE",
                    "SENTINEL-AUDIT-SECRET",
                ))
                .principal(PrincipalType::Provided)
                .group("dev")
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let ok = reg
                .credentials(&Caller::user("alice").with_group("dev"), "audited")
                .await;
            assert!(ok.is_ok());
            let denied = reg.credentials(&Caller::system(), "audited").await;
            assert!(denied.is_err());
        });
    });
    let log = String::from_utf8(buf.0.lock().expect("log").clone()).expect("utf-8");
    assert!(log.contains("credentials issued"), "{log}");
    assert!(
        log.contains("event=\"issued\"") || log.contains("event=issued"),
        "{log}"
    );
    assert!(log.contains("caller=user `alice`"), "{log}");
    assert!(
        log.contains("connector=\"audited\"") || log.contains("connector=audited"),
        "{log}"
    );
    assert!(log.contains("principal=provided"), "{log}");
    assert!(
        log.contains("access_key_id=\"AKIAIOSFODNN7EXAMPLE\"")
            || log.contains("access_key_id=AKIAIOSFODNN7EXAMPLE"),
        "{log}"
    );
    assert!(log.contains("access denied"), "{log}");
    assert!(log.contains("caller=the system caller"), "{log}");
    assert!(!log.contains("SENTINEL-AUDIT-SECRET"), "{log}");
}
