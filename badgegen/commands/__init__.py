"""What each command does, as a plain function over a typed request and a Runtime.

badgegen/cli/ declares the commands and prints what these return; a program
embedding badgegen may call them directly (as mkdocs' commands/ and httpie's
core are called by their command lines).
"""
