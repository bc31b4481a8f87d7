//! p0fmod engine.
