"""Names as people search for them: case- and accent-insensitive, by the start of any word.

`search_name` is what `User.search_name` stores: the name folded to lower case without
accents, every run of other characters (spaces, hyphens, apostrophes, dots) made one space,
each word written with an apostrophe or a hyphen also joined after the name, and a space in
front, so "the start of a word" is `search_name__contains=" " + word` on every database, with
no database extension. A search text is folded the same way (`search_words`).
"""

import unicodedata

SEARCH_NAME_LENGTH = 220

# Letters NFKD leaves whole: folded by hand to what people type for them.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)


def fold(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits a space, runs collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def search_name(full_name: str) -> str:
    """The stored form of a name: folded, with a leading space (see the module's docstring)."""
    folded = fold(full_name)
    if not folded:
        return ""
    # A word written with an apostrophe or a hyphen is also kept joined, so "obri" finds
    # "O'Brien" as "o bri" does, and "martinor" finds "Martín-Ortiz".
    joined = []
    for word in full_name.split():
        parts = fold(word)
        if " " in parts:
            joined.append(parts.replace(" ", ""))
    text = " ".join([folded, *joined])
    # Folding can lengthen a name ("æ" is "ae"): cut to the column's length.
    return f" {text}"[:SEARCH_NAME_LENGTH]


def search_words(text: str) -> list[str]:
    """The words of a search text, folded like names."""
    return fold(text).split()
