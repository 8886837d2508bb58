"""Walking the audit chain to find the first row that was altered, deleted or reordered."""

from collections.abc import Iterator
from dataclasses import dataclass

from g60.audit.chain import stored_event_hash
from g60.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None


def _events() -> Iterator[AuditEvent]:
    # Read in id order (the order rows were inserted), so that swapped sequence numbers show as reordering.
    yield from AuditEvent.objects.order_by("pk").iterator(chunk_size=2000)


def audit_verify(*, stop_at_first: bool = True) -> VerifyResult:
    """Recompute every hash and link. Stops at the first break unless asked for all."""
    breaks: list[ChainBreak] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0

    def found(seq: int, reason: str) -> bool:
        breaks.append(ChainBreak(seq=seq, reason=reason))
        return stop_at_first

    for event in _events():
        checked += 1
        if event.seq != expected_seq:
            moved = AuditEvent.objects.filter(seq=expected_seq).exists()
            reason = f"expected event #{expected_seq} here, found #{event.seq}: " + (
                "events were reordered" if moved else "events were deleted"
            )
            if found(expected_seq, reason):
                break
        recomputed = stored_event_hash(event)
        if event.prev_hash != prev_hash and found(
            event.seq, "its link to the previous event is broken (previous event altered or removed)"
        ):
            break
        if recomputed != event.hash and found(event.seq, "its content was altered"):
            break
        prev_hash = event.hash
        expected_seq = event.seq + 1
    else:
        head = AuditHead.objects.filter(pk=1).first()
        last_seq = head.last_seq if head else 0
        last_hash = head.last_hash if head else GENESIS_HASH
        if (last_seq, last_hash) != (expected_seq - 1, prev_hash):
            found(expected_seq, f"the chain ends at #{expected_seq - 1} but the head records #{last_seq}")
    return VerifyResult(checked=checked, breaks=tuple(breaks))
