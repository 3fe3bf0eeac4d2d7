"""Text analysis for readers' questions: extractive summaries and direct quotations.

Everything here is pure: plain strings in, plain dataclasses out (the LLM backend
takes its HTTP client as an argument).
"""
