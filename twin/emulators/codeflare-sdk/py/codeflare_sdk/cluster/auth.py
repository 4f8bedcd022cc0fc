"""codeflare_sdk.cluster.auth (v0.16.0): TokenAuthentication.login() checks the token with
GET /apis/authentication.k8s.io/ (AuthenticationApi.get_api_group) and keeps the API client for
every later call; config_check() falls back to the in-cluster service account (a pipeline task)."""
import json
import os

from .. import _wire

api_client = None
config_path = None


class ApiException(Exception):
    def __init__(self, status, reason, body):
        super().__init__("(%s)\nReason: %s\nHTTP response headers: ...\nHTTP response body: %s\n" % (status, reason, body))
        self.status = status
        self.reason = reason
        self.body = body


class ApiClient:
    def __init__(self, host, token, verify=True, ca_file=None):
        self.host = host.rstrip("/")
        self.token = token
        self.verify = verify
        self.ca_file = ca_file

    def authorization(self):
        return "Bearer %s" % self.token

    def call(self, method, path, body=None):
        status, reason, text = _wire.request(
            method, self.host + path, headers={"Authorization": self.authorization()}, body=body,
            verify=self.verify, ca_file=self.ca_file)
        if status >= 400:
            raise ApiException(status, reason, text)
        return json.loads(text) if text else {}


class Authentication:
    def login(self):
        pass

    def logout(self):
        pass


class KubeConfiguration:
    def load_kube_config(self):
        pass

    def config_check(self):
        pass


class TokenAuthentication(Authentication):
    def __init__(self, token, server, skip_tls=False, ca_cert_path=None):
        self.token = token
        self.server = server
        self.skip_tls = skip_tls
        self.ca_cert_path = ca_cert_path

    def login(self):
        global api_client, config_path
        from ..utils.kube_api_helpers import _kube_api_error_handling
        try:
            if self.skip_tls:
                print("Insecure request warnings have been disabled")
            client = ApiClient(self.server, self.token, verify=not self.skip_tls, ca_file=self.ca_cert_path)
            client.call("GET", "/apis/authentication.k8s.io/")
            api_client = client
            config_path = None
            return "Logged into %s" % self.server
        except ApiException as e:
            _kube_api_error_handling(e)

    def logout(self):
        global api_client, config_path
        config_path = None
        api_client = None
        return "Successfully logged out of %s" % self.server


class KubeConfigFileAuthentication(KubeConfiguration):
    def __init__(self, kube_config_path=None):
        self.kube_config_path = kube_config_path

    def load_kube_config(self):
        raise Exception("Please specify a config file path")


def config_check():
    """The API client of the login, else the in-cluster service account, else a PermissionError."""
    global api_client
    if api_client is not None:
        return config_path
    sa_dir = os.environ.get("RHOAI_TWIN_SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount")
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    if host and os.path.isfile(os.path.join(sa_dir, "token")):
        with open(os.path.join(sa_dir, "token")) as f:
            token = f.read().strip()
        ca = os.path.join(sa_dir, "ca.crt")
        api_client = ApiClient("https://%s:%s" % (host, os.environ.get("KUBERNETES_SERVICE_PORT", "443")), token,
                               verify=os.path.isfile(ca), ca_file=ca if os.path.isfile(ca) else None)
        return None
    raise PermissionError("Action not permitted, have you put in correct/up-to-date auth credentials?")


def api_config_handler():
    return api_client
