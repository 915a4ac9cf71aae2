"""A job's files, kept in the database in chunks: written as a stream, read as a stream.

Any app server can serve a file any worker wrote, with no shared disk; memory stays at
one chunk however large the file.
"""

from collections.abc import Iterator
from typing import BinaryIO

from django.http import StreamingHttpResponse

from core.db import insert_many

from .models import Job, JobFile

CHUNK_BYTES = 1024 * 1024


def save_file(job: Job, role: str, stream: BinaryIO) -> int:
    """Store `stream` (read to its end) as the job's `role` file; return its size."""
    JobFile.objects.filter(job=job, role=role).delete()
    size, seq = 0, 0
    while chunk := stream.read(CHUNK_BYTES):
        JobFile.objects.create(job=job, role=role, seq=seq, data=chunk)
        size += len(chunk)
        seq += 1
    return size


def save_bytes(job: Job, role: str, content: bytes) -> int:
    """Store `content` as the job's `role` file, in one statement (a binary COPY on
    PostgreSQL: an uploaded file is stored in a fraction of the time of its INSERTs)."""
    view = memoryview(content)
    insert_many(
        [
            JobFile(job=job, role=role, seq=seq, data=bytes(view[start : start + CHUNK_BYTES]))
            for seq, start in enumerate(range(0, len(content), CHUNK_BYTES))
        ],
        binary=True,
    )
    return len(content)


def read_chunks(job: Job, role: str) -> Iterator[bytes]:
    """The file's bytes, one chunk (one query) at a time."""
    ids = list(
        JobFile.objects.filter(job=job, role=role).order_by("seq").values_list("pk", flat=True)
    )
    for pk in ids:
        yield bytes(JobFile.objects.values_list("data", flat=True).get(pk=pk))


def read_bytes(job: Job, role: str) -> bytes:
    return b"".join(read_chunks(job, role))


def result_response(job: Job) -> StreamingHttpResponse:
    """The job's result file as a download, streamed a chunk at a time."""
    response = StreamingHttpResponse(
        read_chunks(job, JobFile.Role.RESULT), content_type=job.result_type
    )
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response
