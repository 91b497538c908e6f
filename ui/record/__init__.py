"""The record viewer: record home, sections, explanations and the patient's tools."""
