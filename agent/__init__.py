"""The Gemini chat agent: tools over the core API, the session loop, the model client."""
