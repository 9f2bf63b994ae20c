use yingcai_store::{Actor, NewComplex, NewUnit, NewUnitType, Store, StoreError};

use crate::for_each_backend;

/// A unit's status changes by hand only between free and maintenance; a unit that does
/// not change is told apart from one that does not exist.
#[tokio::test]
async fn a_unit_goes_to_maintenance_and_back_and_exists_or_not() {
    for_each_backend(|store: Store| async move {
        let complex = store
            .create_complex(
                &NewComplex {
                    code: "C1".into(),
                    name: "Court".into(),
                    district: "长安区".into(),
                    address: "1 Road".into(),
                    operator: "Op".into(),
                    ..Default::default()
                },
                &Actor::System,
            )
            .await
            .unwrap();
        store
            .add_unit_type(
                complex,
                &NewUnitType {
                    name: "Studio".into(),
                    area_centi_m2: 3_000,
                    bedrooms: 1,
                    rent_fen: 80_000,
                    units: vec![NewUnit {
                        number: "101".into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                &Actor::System,
            )
            .await
            .unwrap();
        let unit = store.units_of(complex).await.unwrap()[0].unit_id;
        assert!(store.unit_exists(unit).await.unwrap());
        assert!(!store.unit_exists(unit + 1_000).await.unwrap());
        store
            .set_unit_maintenance(unit, true, &Actor::System)
            .await
            .unwrap();
        // Already out of service: nothing to change.
        assert!(matches!(
            store.set_unit_maintenance(unit, true, &Actor::System).await,
            Err(StoreError::NotFound)
        ));
        store
            .set_unit_maintenance(unit, false, &Actor::System)
            .await
            .unwrap();
        assert_eq!(
            store.units_of(complex).await.unwrap()[0].status.as_str(),
            "free"
        );
    })
    .await;
}
