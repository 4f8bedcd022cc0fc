"""codeflare_sdk.utils.kube_api_helpers._kube_api_error_handling (v0.16.0)."""


def _kube_api_error_handling(e, print_error=True):
    from ..cluster.auth import ApiException
    perm_msg = "Action not permitted, have you put in correct/up-to-date auth credentials?"
    nf_msg = "No instances found, nothing to be done."
    exists_msg = "Resource with this name already exists."
    if isinstance(e, ApiException):
        if e.reason == "Not Found":
            if print_error:
                print(nf_msg)
            return
        elif e.reason == "Unauthorized" or e.reason == "Forbidden":
            if print_error:
                print(perm_msg)
            return
        elif e.reason == "Conflict":
            raise FileExistsError(exists_msg)
    raise e
