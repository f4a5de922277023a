"""The grammatical test for message names, as a package of its own.

It is pure Python (no Django, no app of this site), so the course's pages, the quizzes, the
AsyncAPI judge and the simulator's engine can all use the same reading of a name. The engine
does not import it: whoever builds an engine hands it a classifier.
"""

from naming.grammar import MAX_LENGTH, InvalidName, Verdict, classify, split_words, suggest_rename

__all__ = ["MAX_LENGTH", "InvalidName", "Verdict", "classify", "split_words", "suggest_rename"]
