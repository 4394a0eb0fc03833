enum SwiftEmitterPlaceholder {}
