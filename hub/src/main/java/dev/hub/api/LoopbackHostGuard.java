package dev.hub.api;

import dev.hub.config.HubConfig;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Against DNS rebinding on an open node: a page on {@code evil.example} whose name is re-resolved to
 * 127.0.0.1 sends its own GETs to the developer's node as same-origin requests (no {@code Origin}
 * to check) and reads the answers. What it cannot change is the {@code Host} header, which still
 * names its site. An open node that only this machine may reach (a loopback address, no
 * {@code --insecure}) therefore answers only requests addressed by a loopback name, as development
 * servers such as Vite and Jupyter do. Clients that send no {@code Host} (HTTP/1.0) are not
 * browsers and pass. A secured node needs a token for everything a page could read, so it checks
 * nothing here; nor does a node the operator opened to other hosts with {@code --insecure}.
 */
public final class LoopbackHostGuard implements Handler<RoutingContext> {
  /**
   * {@code localhost} and its subdomains (RFC 6761: they never leave the machine), {@code 127.*}
   * and {@code [::1]}, with any port. Anchored, so {@code localhost.evil.example} is not one.
   */
  private static final Pattern LOOPBACK_HOST =
      Pattern.compile("(([a-z0-9-]+\\.)*localhost|127(\\.\\d{1,3}){3}|\\[::1])(:\\d{1,5})?");

  private LoopbackHostGuard() {}

  /** The guard for a node whose configuration calls for one, or nothing. */
  public static Handler<RoutingContext> forNode(HubConfig config) {
    boolean onlyThisMachine = config.node().open() && !config.node().insecure();
    return onlyThisMachine ? new LoopbackHostGuard() : RoutingContext::next;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (host == null
        || LOOPBACK_HOST.matcher(host.trim().toLowerCase(Locale.ROOT)).matches()) {
      ctx.next();
      return;
    }
    ApiErrors.send(
        ctx,
        new HubException(
            ErrorCode.FORBIDDEN,
            "host " + host + " is not this machine: an open node answers requests for localhost, "
                + "127.0.0.1 or [::1] only (give --insecure to serve other names)"));
  }
}
