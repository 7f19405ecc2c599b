"""The EN 16931 semantic model of an issued invoice or credit note (BIL-14).

Built once from the document's immutable snapshot; ``ubl.py`` and ``cii.py`` serialise it.
"""


def semantic_model(document):
    raise NotImplementedError
