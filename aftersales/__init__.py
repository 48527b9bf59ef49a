"""After-sales register domain: pure rules, no Excel libraries, no clock reads."""
