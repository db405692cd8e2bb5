"""Test aids: fake provider HTTP servers speaking the Anthropic and Gemini wire formats."""
