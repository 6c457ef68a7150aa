//! Property tests: random values round-trip through both codecs, their JSON validates against
//! the model's own schema, and arbitrary bytes, truncations and mutations of valid messages
//! give errors, never panics.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chainmodel::prelude::*;
use proptest::prelude::*;

#[derive(ChainModel, Debug, Clone, Copy, PartialEq)]
#[chain(rename_all = "snake_case")]
enum Kind {
    Text,
    DeepImage,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Inner {
    x: i64,
    y: Option<f32>,
}

#[derive(ChainModel, Debug, Clone, PartialEq)]
struct Sample {
    id: u32,
    name: String,
    score: f64,
    tags: Vec<String>,
    maybe: Option<i64>,
    pair: (bool, i16),
    index: BTreeMap<String, u8>,
    embedding: NdArray<f32>,
    any: AnyArray,
    kind: Kind,
    inner: Inner,
    children: Vec<Inner>,
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>().prop_filter("finite", |x| x.is_finite()), -1e6..1e6f64, Just(0.0), Just(-0.0)]
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |x| x.is_finite())
}

fn inner() -> impl Strategy<Value = Inner> {
    (any::<i64>(), proptest::option::of(finite_f32())).prop_map(|(x, y)| Inner { x, y })
}

fn any_array() -> impl Strategy<Value = AnyArray> {
    let dtypes = ["<f8", ">i4", "|u1", "|b1", "<c8", ">f2", "<u8"];
    (0..dtypes.len(), proptest::collection::vec(0usize..4, 0..3), any::<u64>()).prop_map(move |(d, shape, seed)| {
        let dtype: DType = dtypes[d].parse().unwrap();
        let len = chainmodel::element_count(&shape).unwrap() * dtype.itemsize();
        let mut state = seed;
        let bytes = (0..len)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let byte = (state >> 56) as u8;
                if dtype.to_string() == "bool" { byte & 1 } else { byte }
            })
            .collect();
        AnyArray::from_bytes(dtype, shape, bytes).unwrap()
    })
}

fn sample() -> impl Strategy<Value = Sample> {
    (
        (any::<u32>(), any::<String>(), finite_f64(), proptest::collection::vec(any::<String>(), 0..4)),
        (
            proptest::option::of(any::<i64>()),
            any::<(bool, i16)>(),
            proptest::collection::btree_map(any::<String>(), any::<u8>(), 0..4),
        ),
        (
            proptest::collection::vec(finite_f32(), 0..32),
            any_array(),
            prop_oneof![Just(Kind::Text), Just(Kind::DeepImage)],
        ),
        (inner(), proptest::collection::vec(inner(), 0..3)),
    )
        .prop_map(|((id, name, score, tags), (maybe, pair, index), (values, any, kind), (inner, children))| {
            Sample {
                id,
                name,
                score,
                tags,
                maybe,
                pair,
                index,
                embedding: NdArray::from_vec(values),
                any,
                kind,
                inner,
                children,
            }
        })
}

fn schema_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::draft202012::new(&Sample::json_schema()).expect("our schema is a valid schema"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn values_round_trip_through_both_codecs(value in sample()) {
        let text = value.to_json().unwrap();
        prop_assert_eq!(&Sample::from_json(&text).unwrap(), &value);
        let aligned = value.to_msgpack().unwrap();
        prop_assert_eq!(&Sample::from_msgpack(&aligned).unwrap(), &value);
        let compact = chainmodel::msgpack::to_vec_compact(&value).unwrap();
        prop_assert_eq!(&Sample::from_msgpack(&compact).unwrap(), &value);
    }

    #[test]
    fn emitted_json_validates_against_the_schema(value in sample()) {
        let text = value.to_json().unwrap();
        let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = schema_validator().iter_errors(&instance).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Sample::from_msgpack(&bytes);
        let _ = chainmodel::json::from_slice::<Sample>(&bytes);
        let _ = chainmodel::msgpack::from_slice::<Value>(&bytes);
        let _ = chainmodel::json::from_slice::<Value>(&bytes);
    }

    #[test]
    fn truncations_and_mutations_never_panic(value in sample(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let text = value.to_json().unwrap().into_bytes();
        let aligned = value.to_msgpack().unwrap();
        for message in [&text, &aligned] {
            for len in 0..message.len() {
                let _ = Sample::from_msgpack(&message[..len]);
                let _ = chainmodel::json::from_slice::<Sample>(&message[..len]);
            }
            let mut mutated = message.clone();
            for &(at, byte) in &flips {
                let at = at % mutated.len();
                mutated[at] ^= byte | 1;
            }
            let _ = Sample::from_msgpack(&mutated);
            let _ = chainmodel::json::from_slice::<Sample>(&mutated);
        }
    }
}
