//! Closed sets of named values ("catalogues"): reason codes, outcomes, seats, providers,
//! sources. One place states each member's name and its position; lookups by name, lists of
//! allowed names in error messages and dense count arrays all go through [`Catalogue`].

/// A closed set of named values in a fixed order.
///
/// The order of [`Catalogue::ALL`] is the report order and the index of a member in count
/// arrays; [`Catalogue::name`] is how files and reports spell it. Both come from one
/// declaration (the [`catalogue!`](crate::catalogue) macro, or a hand-written `ALL` checked by
/// a test), so they cannot drift apart.
pub trait Catalogue: Copy + Eq + Sized + 'static {
    /// Every member, in order.
    const ALL: &'static [Self];

    /// The member's name as files and reports spell it.
    fn name(self) -> &'static str;

    /// The member spelled `name`, if there is one.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// The member's position in [`Catalogue::ALL`]: dense, for count arrays.
    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&m| m == self)
            .expect("every member is in ALL")
    }

    /// Every name, in order, joined for an "allowed: ..." message.
    fn names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|m| m.name()).collect();
        names.join(", ")
    }
}

/// Declares a field-less enum that is a [`Catalogue`]: each variant with its name, in order.
/// The enum gets `Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash`, an inherent
/// `ALL` array, a `const fn name`, a `const fn index` (its declaration position) and the
/// [`Catalogue`] impl.
#[macro_export]
macro_rules! catalogue {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $ty {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $ty {
            /// Every member, in declaration order.
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            /// The member's name as files and reports spell it.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $ty::$variant => $name ),+
                }
            }

            /// The member's position in `ALL` (its declaration position).
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl $crate::Catalogue for $ty {
            const ALL: &'static [$ty] = &$ty::ALL;

            fn name(self) -> &'static str {
                $ty::name(self)
            }

            fn index(self) -> usize {
                $ty::index(self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Catalogue;

    crate::catalogue! {
        /// A test catalogue.
        enum Colour {
            /// Red.
            Red = "red",
            /// Green.
            Green = "green",
        }
    }

    #[test]
    fn names_indexes_and_lookups_agree() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::Green]);
        assert_eq!(Colour::Green.index(), 1);
        assert_eq!(
            <Colour as Catalogue>::from_name("green"),
            Some(Colour::Green)
        );
        assert_eq!(<Colour as Catalogue>::from_name("Green"), None);
        assert_eq!(<Colour as Catalogue>::names(), "red, green");
    }
}
