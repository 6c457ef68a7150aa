//! An array's shape, stored inline for up to four dimensions, so that decoding a small array
//! (an embedding, an image) does not allocate for its shape.

use std::ops::Deref;

const INLINE: usize = 4;

#[derive(Clone)]
pub(crate) enum Shape {
    Inline { len: u8, dims: [usize; INLINE] },
    Heap(Vec<usize>),
}

impl Shape {
    /// The 0-d shape `[]`.
    pub(crate) const fn scalar() -> Self {
        Shape::Inline { len: 0, dims: [0; INLINE] }
    }

    /// Appends a dimension.
    pub(crate) fn push(&mut self, dim: usize) {
        match self {
            Shape::Inline { len, dims } if usize::from(*len) < INLINE => {
                dims[usize::from(*len)] = dim;
                *len += 1;
            }
            Shape::Inline { .. } => {
                let mut dims = self.to_vec();
                dims.push(dim);
                *self = Shape::Heap(dims);
            }
            Shape::Heap(dims) => dims.push(dim),
        }
    }

    pub(crate) fn into_vec(self) -> Vec<usize> {
        match self {
            Shape::Inline { .. } => self.to_vec(),
            Shape::Heap(dims) => dims,
        }
    }
}

impl Deref for Shape {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        match self {
            Shape::Inline { len, dims } => &dims[..usize::from(*len)],
            Shape::Heap(dims) => dims,
        }
    }
}

impl From<&[usize]> for Shape {
    fn from(dims: &[usize]) -> Self {
        if dims.len() <= INLINE {
            let mut shape = Shape::scalar();
            dims.iter().for_each(|&dim| shape.push(dim));
            shape
        } else {
            Shape::Heap(dims.to_vec())
        }
    }
}

impl From<Vec<usize>> for Shape {
    fn from(dims: Vec<usize>) -> Self {
        if dims.len() <= INLINE { Shape::from(&dims[..]) } else { Shape::Heap(dims) }
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_until_four_dimensions() {
        let mut shape = Shape::scalar();
        for dim in 1..=6 {
            shape.push(dim);
            assert_eq!(&*shape, &(1..=dim).collect::<Vec<_>>()[..]);
            assert_eq!(matches!(shape, Shape::Inline { .. }), dim <= 4);
        }
        assert_eq!(Shape::from(vec![2, 3]), Shape::from(&[2, 3][..]));
        assert_eq!(Shape::from(vec![1, 2, 3, 4, 5]).into_vec(), vec![1, 2, 3, 4, 5]);
    }
}
