//! The two migration trees must build the same schema: the same tables, columns, types,
//! nullability and indexes on SQLite and PostgreSQL, except for the differences listed
//! here on purpose.

use yingcai_store::Backend;
use yingcai_store::introspect::Schema;
use yingcai_store::testing::TestDatabase;

async fn schema(backend: Backend) -> Schema {
    let (db, store) = TestDatabase::create(backend).await.unwrap();
    let schema = store.introspect().await.unwrap();
    store.close().await;
    drop(db);
    schema
}

#[tokio::test]
async fn sqlite_and_postgresql_build_the_same_schema() {
    let sqlite = schema(Backend::Sqlite).await;
    // The introspection itself works: the registry's table is there with its checks.
    let talent = &sqlite.columns["talent"];
    assert_eq!(talent["resident_id_index"].kind, "text");
    assert!(!talent["resident_id_index"].nullable);
    assert!(talent["home_purchase_date"].nullable);
    assert!(
        sqlite.indexes["talent"]
            .iter()
            .any(|i| i.columns == "resident_id_index" && i.unique),
        "{:?}",
        sqlite.indexes["talent"]
    );
    if !TestDatabase::backends().contains(&Backend::Postgres) {
        return;
    }
    let postgres = schema(Backend::Postgres).await;
    let mut differences = Vec::new();
    let tables: std::collections::BTreeSet<&String> = sqlite
        .columns
        .keys()
        .chain(postgres.columns.keys())
        .collect();
    for table in tables {
        let (s, p) = (sqlite.columns.get(table), postgres.columns.get(table));
        match (s, p) {
            (Some(s), Some(p)) => {
                let names: std::collections::BTreeSet<&String> = s.keys().chain(p.keys()).collect();
                for name in names {
                    if s.get(name) != p.get(name) {
                        differences.push(format!(
                            "{table}.{name}: SQLite {:?}, PostgreSQL {:?}",
                            s.get(name),
                            p.get(name)
                        ));
                    }
                }
            }
            _ => differences.push(format!(
                "table {table}: SQLite {}, PostgreSQL {}",
                s.is_some(),
                p.is_some()
            )),
        }
        let (si, pi) = (sqlite.indexes.get(table), postgres.indexes.get(table));
        if si != pi {
            differences.push(format!(
                "indexes of {table}: SQLite {si:?}, PostgreSQL {pi:?}"
            ));
        }
    }
    // Deliberate differences: none so far.
    let deliberate: &[&str] = &[];
    differences.retain(|d| !deliberate.iter().any(|allowed| d.starts_with(allowed)));
    assert!(
        differences.is_empty(),
        "the migration trees differ:\n{}",
        differences.join("\n")
    );
}
