//! The schema as the database itself reports it after migration (tests only): tables,
//! columns with normalised types and nullability, and indexes by their columns, so the
//! SQLite and PostgreSQL migration trees can be compared.

use std::collections::BTreeMap;

use sqlx::Row as _;

use crate::{Backend, Store, StoreError};

/// A column: normalised type (`int`, `text`, `bytes`, `float`, `bool`) and nullability.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub kind: String,
    pub nullable: bool,
}

/// An index by what it does, not its name: its columns (or expression), uniqueness and
/// partial condition (normalised to lower case without spaces or casts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub columns: String,
    pub unique: bool,
    pub partial: Option<String>,
}

/// Tables → columns, and tables → indexes (primary keys left out: both trees declare
/// them the same way and each database names them its own).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub columns: BTreeMap<String, BTreeMap<String, Column>>,
    pub indexes: BTreeMap<String, Vec<Index>>,
}

fn kind(declared: &str) -> String {
    let declared = declared.to_ascii_lowercase();
    match declared.as_str() {
        "integer" | "bigint" | "int" | "smallint" | "int8" | "int4" => "int",
        "text" | "character varying" | "varchar" => "text",
        "blob" | "bytea" => "bytes",
        "real" | "double precision" | "double" => "float",
        "boolean" | "bool" => "bool",
        _ => return declared,
    }
    .to_owned()
}

fn normalise_condition(condition: &str) -> String {
    condition
        .to_ascii_lowercase()
        .replace("::text", "")
        .replace("::bigint", "")
        .replace(['(', ')', ' ', '\n'], "")
        // PostgreSQL keeps `x in ('a', 'b')` as `x = ANY (ARRAY['a', 'b'])`.
        .replace("=anyarray[", "in")
        .replace(']', "")
}

impl Store {
    /// The migrated schema, as the database reports it.
    pub async fn introspect(&self) -> Result<Schema, StoreError> {
        match self.backend() {
            Backend::Sqlite => self.introspect_sqlite().await,
            Backend::Postgres => self.introspect_postgres().await,
        }
    }

    async fn introspect_sqlite(&self) -> Result<Schema, StoreError> {
        let mut schema = Schema::default();
        let tables: Vec<String> = sqlx::query_scalar(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_sqlx%' order by name",
        )
        .fetch_all(self.pool())
        .await?;
        for table in tables {
            let rows = sqlx::query(
                "select name, type, \"notnull\" as not_null, pk from pragma_table_info($1)",
            )
            .bind(&table)
            .fetch_all(self.pool())
            .await?;
            let mut columns = BTreeMap::new();
            for row in rows {
                let name: String = row.try_get("name")?;
                let declared: String = row.try_get("type")?;
                let not_null: i64 = row.try_get("not_null")?;
                let pk: i64 = row.try_get("pk")?;
                columns.insert(
                    name,
                    Column {
                        kind: kind(&declared),
                        // A primary key is never null, whatever SQLite's flag says.
                        nullable: not_null == 0 && pk == 0,
                    },
                );
            }
            schema.columns.insert(table.clone(), columns);
            let list = sqlx::query(
                "select name, \"unique\" as is_unique, origin, partial from pragma_index_list($1)",
            )
            .bind(&table)
            .fetch_all(self.pool())
            .await?;
            let mut indexes = Vec::new();
            for index in list {
                let name: String = index.try_get("name")?;
                let origin: String = index.try_get("origin")?;
                if origin == "pk" {
                    continue;
                }
                let unique: i64 = index.try_get("is_unique")?;
                let partial: i64 = index.try_get("partial")?;
                let columns: Vec<String> = sqlx::query_scalar(
                    "select coalesce(name, '<expr>') from pragma_index_info($1) order by seqno",
                )
                .bind(&name)
                .fetch_all(self.pool())
                .await?;
                let condition = if partial == 1 {
                    let sql: String = sqlx::query_scalar(
                        "select sql from sqlite_master where type = 'index' and name = $1",
                    )
                    .bind(&name)
                    .fetch_one(self.pool())
                    .await?;
                    let lower = sql.to_ascii_lowercase();
                    lower
                        .rfind(" where ")
                        .map(|i| normalise_condition(&sql[i + 7..]))
                } else {
                    None
                };
                indexes.push(Index {
                    columns: columns.join(","),
                    unique: unique == 1,
                    partial: condition,
                });
            }
            indexes.sort();
            schema.indexes.insert(table, indexes);
        }
        Ok(schema)
    }

    async fn introspect_postgres(&self) -> Result<Schema, StoreError> {
        let mut schema = Schema::default();
        let rows = sqlx::query(
            "select table_name::text as table_name, column_name::text as column_name, data_type::text as data_type, is_nullable::text as is_nullable
             from information_schema.columns
             where table_schema = 'public' and table_name not like '\\_sqlx%'
             order by table_name, column_name",
        )
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            let table: String = row.try_get("table_name")?;
            let column: String = row.try_get("column_name")?;
            let declared: String = row.try_get("data_type")?;
            let nullable: String = row.try_get("is_nullable")?;
            schema.columns.entry(table).or_default().insert(
                column,
                Column {
                    kind: kind(&declared),
                    nullable: nullable == "YES",
                },
            );
        }
        for table in schema.columns.keys() {
            schema.indexes.insert(table.clone(), Vec::new());
        }
        let rows = sqlx::query(
            "select tablename::text as table_name, indexdef::text as definition from pg_indexes
             where schemaname = 'public' and tablename not like '\\_sqlx%' and indexname not like '%\\_pkey'",
        )
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            let table: String = row.try_get("table_name")?;
            let definition: String = row.try_get("definition")?;
            // CREATE [UNIQUE] INDEX name ON public.t USING btree (a, b) [WHERE (...)]
            let unique = definition.starts_with("CREATE UNIQUE");
            let open = definition
                .find(" USING ")
                .and_then(|i| definition[i..].find('(').map(|j| i + j));
            let (columns, partial) = match open {
                Some(open) => {
                    let rest = &definition[open + 1..];
                    let mut depth = 1;
                    let mut end = rest.len();
                    for (i, c) in rest.char_indices() {
                        match c {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = i;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    // PostgreSQL quotes a column named like a keyword (`"position"`);
                    // SQLite's list does not: the column is the same.
                    let columns = rest[..end].replace([' ', '"'], "");
                    let partial = rest[end..]
                        .find(" WHERE ")
                        .map(|i| normalise_condition(&rest[end + i + 7..]));
                    (columns, partial)
                }
                None => (definition.clone(), None),
            };
            schema.indexes.entry(table).or_default().push(Index {
                columns,
                unique,
                partial,
            });
        }
        for indexes in schema.indexes.values_mut() {
            indexes.sort();
        }
        Ok(schema)
    }
}
