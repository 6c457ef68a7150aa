//! A plain union's errors: one per member, nested unions shared rather than copied.

use std::fmt;

use super::input::Kept;
use super::{Error, ErrorKind, PathSegment};

/// The errors of a plain union's members, each located inside its member's name (outermost
/// first). A member's error may be a nested union's, shared rather than copied (a union tried
/// again at the same place reuses its members' errors), so that nested unions cost memory in
/// proportion to the input; reading them flattened ([`leaves`](Self::leaves), `Display`,
/// `Debug`) stops after [`Error::MAX_ERRORS`] errors, as pydantic's list would be endless
/// for a deep recursive union.
#[derive(Clone)]
pub struct UnionMembers(std::sync::Arc<[(Vec<PathSegment>, ErrorKind)]>, std::sync::Arc<[Option<Kept>]>);

impl UnionMembers {
    /// The members' errors, as listed: each a location inside the union and a kind (which may
    /// itself be a nested union's).
    pub fn members(&self) -> &[(Vec<PathSegment>, ErrorKind)] {
        &self.0
    }

    /// The input the `index`th member error kept, if it kept one (as pydantic shows it).
    pub(super) fn input(&self, index: usize) -> Option<&Kept> {
        self.1.get(index).and_then(Option::as_ref)
    }

    /// The errors pydantic would list, nested unions flattened: each error's location inside
    /// the union and its kind, at most [`Error::MAX_ERRORS`] of them.
    pub fn leaves(&self) -> Vec<(Vec<PathSegment>, &ErrorKind)> {
        let mut out = Vec::new();
        self.visit(&[], &mut |location, kind| {
            out.push((location.to_vec(), kind));
            out.len() < Error::MAX_ERRORS
        });
        out
    }

    /// Calls `visit` with each flattened error (its location after `prefix`) until it answers
    /// `false`; `false` if it did.
    fn visit<'a>(
        &'a self,
        prefix: &[PathSegment],
        visit: &mut dyn FnMut(&[PathSegment], &'a ErrorKind) -> bool,
    ) -> bool {
        for (location, kind) in self.0.iter() {
            let location = [prefix, location].concat();
            let go_on = match kind {
                ErrorKind::NoUnionMember(nested) => nested.visit(&location, visit),
                kind => visit(&location, kind),
            };
            if !go_on {
                return false;
            }
        }
        true
    }
}

impl PartialEq for UnionMembers {
    fn eq(&self, other: &Self) -> bool {
        // Errors are equal by kind and place; the inputs they kept are not compared.
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

/// Each member's error as `member.location: message`, `; `-separated (at most
/// [`Error::MAX_ERRORS`]).
impl fmt::Display for UnionMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let mut written = 0;
        self.visit(&[], &mut |location, kind| {
            let path: Vec<String> = location.iter().map(ToString::to_string).collect();
            let separator = if written == 0 { "" } else { "; " };
            written += 1;
            result = write!(f, "{separator}{}: {kind}", path.join("."));
            result.is_ok() && written < Error::MAX_ERRORS
        });
        result
    }
}

impl fmt::Debug for UnionMembers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.leaves()).finish()
    }
}

impl Error {
    /// The error of a plain union no member accepts: every member's error, each located
    /// inside its member's name.
    #[cold]
    pub(crate) fn no_union_member(errors: Vec<Error>) -> Self {
        let mut members = Vec::new();
        let mut inputs = Vec::new();
        for error in &errors {
            for error in std::iter::once(error).chain(&error.inner.more) {
                // A nested union's errors are shared, not copied.
                members.push((error.location(), error.inner.kind.clone()));
                inputs.push(error.inner.input.clone());
            }
        }
        ErrorKind::NoUnionMember(UnionMembers(members.into(), inputs.into())).into()
    }
}
