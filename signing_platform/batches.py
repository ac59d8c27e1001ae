"""批量通过 and its kin: one action per selected record, each in its own transaction (the action makes it), so one
record that cannot be decided does not hold back the others."""

from collections.abc import Callable, Iterable


def act_on_each(keys: Iterable[int], act: Callable[[int], object], *, refused: tuple[type[Exception], ...]
                ) -> tuple[int, list[str]]:
    """`act(key)` for each distinct key in order; returns how many succeeded and the message of each refusal (an
    exception of `refused`, which carries `.message`)."""
    done, problems = 0, []
    for key in dict.fromkeys(keys):
        try:
            act(key)
        except refused as exc:
            problems.append(exc.message)
        else:
            done += 1
    return done, problems
