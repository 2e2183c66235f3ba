"""A document upload far larger than a document may be is refused before its body is read.

Other middleware reads a POST's form (the NUL-byte check, CSRF), which would take the whole body
off the wire into a temporary file: for a 200 MB file, minutes on a slow line and 200 MB of disk
for nothing. This one runs first and, for the upload page only, marks the request and gives it an
empty form, so nothing reads the body; the view answers with the Danish message.
"""

from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict

from indsats.support import files

UPLOAD_URL_NAME = "support_document_create"
TOO_BIG = "_support_upload_too_big"


def upload_too_big(request) -> bool:
    return getattr(request, TOO_BIG, False)


class RefuseLargeUploads:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and files.request_too_big(request.META.get("CONTENT_LENGTH")):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and match.url_name == UPLOAD_URL_NAME:
                setattr(request, TOO_BIG, True)
                request._post = QueryDict()
                request._files = MultiValueDict()
        return self.get_response(request)
