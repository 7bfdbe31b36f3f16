// SPDX-License-Identifier: GPL-2.0
/*
 * topo: the topology's JSON documents and an in-memory set of them.
 * See topo.h and Documentation/zookeeper.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "topo.h"

static const char *const dirs[TOPO_NKINDS] = {
	[TOPO_ROUTER]	= "config/routers",
	[TOPO_PORT]	= "config/ports",
	[TOPO_ROUTE]	= "config/routes",
	[TOPO_HOST]	= "config/hosts",
	[TOPO_BINDING]	= "config/bindings",
	[TOPO_KEY]	= "config/keys",
	[TOPO_ALIVE]	= "state/hosts",
	[TOPO_ACTIVE]	= "state/active",
};

static const char *const kind_names[TOPO_NKINDS] = {
	[TOPO_ROUTER]	= "router",
	[TOPO_PORT]	= "port",
	[TOPO_ROUTE]	= "route",
	[TOPO_HOST]	= "host",
	[TOPO_BINDING]	= "binding",
	[TOPO_KEY]	= "key",
	[TOPO_ALIVE]	= "alive",
	[TOPO_ACTIVE]	= "active",
};

static const char *const nh_names[] = {
	[MIDWAY_NH_PORT]	= "port",
	[MIDWAY_NH_BLACKHOLE]	= "blackhole",
	[MIDWAY_NH_REJECT]	= "reject",
	[MIDWAY_NH_LOCAL]	= "local",
};

const char *topo_dir(enum topo_kind kind)
{
	return kind < TOPO_NKINDS ? dirs[kind] : NULL;
}

const char *topo_kind_name(enum topo_kind kind)
{
	return kind < TOPO_NKINDS ? kind_names[kind] : "?";
}

const char *topo_port_kind_str(uint8_t kind)
{
	return kind == MIDWAY_PORT_KIND_INTERIOR ? "interior" : "exterior";
}

const char *topo_nh_str(uint8_t type)
{
	if (type < sizeof(nh_names) / sizeof(nh_names[0]) && nh_names[type])
		return nh_names[type];
	return "?";
}

int topo_nh_parse(const char *s, uint8_t *type)
{
	for (size_t i = 1; i < sizeof(nh_names) / sizeof(nh_names[0]); i++) {
		if (!strcmp(s, nh_names[i])) {
			*type = i;
			return 0;
		}
	}
	return -EINVAL;
}

void topo_obj_init(struct topo_obj *o, enum topo_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	switch (kind) {
	case TOPO_ROUTER:
		o->router.admin_up = true;
		break;
	case TOPO_PORT:
		o->port.admin_up = true;
		o->port.kind = MIDWAY_PORT_KIND_EXTERIOR;
		break;
	case TOPO_ROUTE:
		o->route.type = MIDWAY_NH_PORT;
		o->route.weight = TOPO_WEIGHT_DEFAULT;
		break;
	default:
		break;
	}
}

/* Decoding ---------------------------------------------------------------- */

struct dec {
	const cJSON *doc;
	char *err;
};

static int dec_fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, TOPO_ERR_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A string field; absent: NULL and 0; present but not a string: error. */
static int dec_str(struct dec *d, const char *field, const char **s)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d->doc, field);

	*s = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return dec_fail(d, "\"%s\" is not a string", field);
	*s = v->valuestring;
	return 0;
}

static int dec_name(struct dec *d, const char *field, char *buf, size_t size,
		    bool required)
{
	const char *s;
	int err = dec_str(d, field, &s);

	if (err)
		return err;
	if (!s) {
		if (required)
			return dec_fail(d, "\"%s\" is missing", field);
		buf[0] = '\0';
		return 0;
	}
	if (strlen(s) >= size)
		return dec_fail(d, "\"%s\" is longer than %zu bytes", field,
				size - 1);
	strcpy(buf, s);
	return 0;
}

static int dec_uuid(struct dec *d, const char *field, struct mwnl_uuid *id,
		    bool required)
{
	const char *s;
	int err = dec_str(d, field, &s);

	memset(id, 0, sizeof(*id));
	if (err)
		return err;
	if (!s)
		return required ? dec_fail(d, "\"%s\" is missing", field) : 0;
	if (mwnl_uuid_parse(s, id))
		return dec_fail(d, "\"%s\" is not an id: \"%s\"", field, s);
	return 0;
}

static int dec_bool(struct dec *d, const char *field, bool *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d->doc, field);

	if (!v || cJSON_IsNull(v))
		return 0;	/* keep the default */
	if (!cJSON_IsBool(v))
		return dec_fail(d, "\"%s\" is not true or false", field);
	*b = cJSON_IsTrue(v);
	return 0;
}

static int dec_u32(struct dec *d, const char *field, uint32_t min,
		   uint32_t max, uint32_t *val, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d->doc, field);
	double x;

	if (!v || cJSON_IsNull(v))
		return required ? dec_fail(d, "\"%s\" is missing", field) : 0;
	if (!cJSON_IsNumber(v))
		return dec_fail(d, "\"%s\" is not a number", field);
	x = v->valuedouble;
	if (x != (double)(uint32_t)x || x < min || x > max)
		return dec_fail(d, "\"%s\" is not an integer in %u..%u", field,
				min, max);
	*val = (uint32_t)x;
	return 0;
}

static int dec_prefix(struct dec *d, const char *field, uint32_t *addr,
		      uint8_t *len, bool required, bool *present)
{
	const char *s;
	int err = dec_str(d, field, &s);

	if (present)
		*present = false;
	if (err)
		return err;
	if (!s)
		return required ? dec_fail(d, "\"%s\" is missing", field) : 0;
	err = mwnl_prefix_parse(s, addr, len);
	if (err == -ERANGE)
		return dec_fail(d, "\"%s\": %s has bits set beyond its length",
				field, s);
	if (err)
		return dec_fail(d, "\"%s\" is not a prefix: \"%s\"", field, s);
	if (present)
		*present = true;
	return 0;
}

static int dec_addr(struct dec *d, const char *field, uint32_t *addr,
		    bool required)
{
	const char *s;
	int err = dec_str(d, field, &s);

	if (err)
		return err;
	if (!s)
		return required ? dec_fail(d, "\"%s\" is missing", field) : 0;
	if (mwnl_addr_parse(s, addr))
		return dec_fail(d, "\"%s\" is not an IPv4 address: \"%s\"",
				field, s);
	return 0;
}

static int dec_version(struct dec *d)
{
	const char *s;
	unsigned int major, minor;
	int n = 0;

	if (dec_str(d, "version", &s))
		return -EINVAL;
	if (!s)
		return dec_fail(d, "\"version\" is missing");
	if (sscanf(s, "%u.%u%n", &major, &minor, &n) != 2 || s[n])
		return dec_fail(d, "\"version\" is not major.minor: \"%s\"", s);
	if (major > TOPO_VERSION_MAJOR) {
		dec_fail(d, "schema version %s is newer than %s", s,
			 TOPO_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (major < 1)
		return dec_fail(d, "schema version %s is not known", s);
	return 0;
}

static int dec_port(struct dec *d, struct topo_port *p)
{
	const char *s;
	uint32_t v;
	int err;

	err = dec_name(d, "name", p->name, sizeof(p->name), false) ?:
	      dec_uuid(d, "router", &p->router, true) ?:
	      dec_str(d, "kind", &s);
	if (err)
		return err;
	if (!s)
		return dec_fail(d, "\"kind\" is missing");
	if (!strcmp(s, "exterior"))
		p->kind = MIDWAY_PORT_KIND_EXTERIOR;
	else if (!strcmp(s, "interior"))
		p->kind = MIDWAY_PORT_KIND_INTERIOR;
	else
		return dec_fail(d, "\"kind\" is not exterior or interior: \"%s\"",
				s);
	err = dec_str(d, "mac", &s);
	if (err)
		return err;
	if (s) {
		if (mwnl_mac_parse(s, p->mac))
			return dec_fail(d, "\"mac\" is not a MAC address: \"%s\"",
					s);
		if (p->mac[0] & 1)
			return dec_fail(d, "\"mac\" %s is a multicast address",
					s);
		p->has_mac = true;
	}
	err = dec_str(d, "addr", &s);
	if (err)
		return err;
	if (s) {
		/* An interface address: host bits are expected. */
		err = mwnl_prefix_parse(s, &p->addr, &p->prefixlen);
		if (err && err != -ERANGE)
			return dec_fail(d, "\"addr\" is not address/length: \"%s\"",
					s);
		if (!strchr(s, '/'))
			return dec_fail(d, "\"addr\" needs its prefix length: \"%s\"",
					s);
		p->has_addr = true;
	}
	err = dec_u32(d, "tunnel_key", 1, 0xffffff, &p->tunnel_key, false) ?:
	      dec_uuid(d, "peer", &p->peer, false) ?:
	      dec_bool(d, "admin_up", &p->admin_up) ?:
	      dec_bool(d, "proxy_arp", &p->proxy_arp);
	if (err)
		return err;
	v = 0;
	err = dec_u32(d, "vlan", 0, 4094, &v, false);
	if (err)
		return err;
	p->vlan = v;
	if (p->kind == MIDWAY_PORT_KIND_EXTERIOR && !mwnl_uuid_is_zero(&p->peer))
		return dec_fail(d, "an exterior port has no peer");
	if (p->kind == MIDWAY_PORT_KIND_INTERIOR && p->vlan)
		return dec_fail(d, "an interior port has no VLAN");
	return 0;
}

static int dec_route(struct dec *d, struct topo_route *r)
{
	const char *s;
	int err;

	err = dec_uuid(d, "router", &r->router, true) ?:
	      dec_prefix(d, "dst", &r->dst, &r->dst_len, true, NULL) ?:
	      dec_prefix(d, "src", &r->src, &r->src_len, false, NULL) ?:
	      dec_str(d, "type", &s);
	if (err)
		return err;
	if (!s)
		return dec_fail(d, "\"type\" is missing");
	if (topo_nh_parse(s, &r->type))
		return dec_fail(d, "\"type\" is not port, blackhole, reject or local: \"%s\"",
				s);
	err = dec_uuid(d, "port", &r->port, r->type == MIDWAY_NH_PORT) ?:
	      dec_addr(d, "gateway", &r->gateway, false) ?:
	      dec_u32(d, "weight", 1, 65535, &r->weight, false);
	if (err)
		return err;
	if (r->type != MIDWAY_NH_PORT &&
	    (!mwnl_uuid_is_zero(&r->port) || r->gateway))
		return dec_fail(d, "a %s route has no port or gateway",
				topo_nh_str(r->type));
	return 0;
}

static int dec_node_name(enum topo_kind kind, const char *node,
			 struct topo_obj *o, struct dec *d)
{
	if (strlen(node) >= sizeof(o->node))
		return dec_fail(d, "node name is too long");
	strcpy(o->node, node);
	if (kind == TOPO_KEY) {
		if (mwnl_u32_parse(node, 1, 0xffffff, &o->key))
			return dec_fail(d, "node name is not a tunnel key");
		return 0;
	}
	if (mwnl_uuid_parse(node, &o->id))
		return dec_fail(d, "node name is not an id");
	/* The lower-case form is the key of the tables. */
	mwnl_uuid_fmt(&o->id, o->node);
	return 0;
}

int topo_decode(enum topo_kind kind, const char *node, const char *json,
		size_t len, struct topo_obj *o, char err[TOPO_ERR_MAX])
{
	struct dec d = { .err = err };
	cJSON *doc;
	int ret;

	err[0] = '\0';
	topo_obj_init(o, kind);
	if (kind >= TOPO_NKINDS)
		return dec_fail(&d, "unknown kind");
	ret = dec_node_name(kind, node, o, &d);
	if (ret)
		return ret;
	if (!json || !len)
		return dec_fail(&d, "empty document");
	doc = cJSON_ParseWithLength(json, len);
	if (!doc)
		return dec_fail(&d, "not JSON (near byte %td)",
				cJSON_GetErrorPtr() ?
				cJSON_GetErrorPtr() - json : (ptrdiff_t)0);
	d.doc = doc;
	if (!cJSON_IsObject(doc)) {
		ret = dec_fail(&d, "not a JSON object");
		goto out;
	}
	ret = dec_version(&d);
	if (ret)
		goto out;

	switch (kind) {
	case TOPO_ROUTER:
		ret = dec_name(&d, "name", o->router.name,
			       sizeof(o->router.name), false) ?:
		      dec_bool(&d, "admin_up", &o->router.admin_up);
		break;
	case TOPO_PORT:
		ret = dec_port(&d, &o->port);
		break;
	case TOPO_ROUTE:
		ret = dec_route(&d, &o->route);
		break;
	case TOPO_HOST:
		ret = dec_name(&d, "name", o->host.name, sizeof(o->host.name),
			       false);
		break;
	case TOPO_ALIVE:
		ret = dec_name(&d, "name", o->host.name, sizeof(o->host.name),
			       false) ?:
		      dec_addr(&d, "addr", &o->host.addr, true);
		break;
	case TOPO_BINDING:
		ret = dec_uuid(&d, "host", &o->binding.host, true) ?:
		      dec_name(&d, "interface", o->binding.ifname,
			       sizeof(o->binding.ifname), true);
		if (!ret && !o->binding.ifname[0])
			ret = dec_fail(&d, "\"interface\" is empty");
		break;
	case TOPO_KEY:
		ret = dec_uuid(&d, "port", &o->tkey.port, true);
		break;
	case TOPO_ACTIVE:
		ret = dec_uuid(&d, "host", &o->active.host, true);
		break;
	default:
		break;
	}
out:
	cJSON_Delete(doc);
	return ret;
}

/* Encoding ---------------------------------------------------------------- */

static bool enc_uuid(cJSON *doc, const char *field, const struct mwnl_uuid *id)
{
	char buf[MWNL_UUID_STRLEN];

	return cJSON_AddStringToObject(doc, field, mwnl_uuid_fmt(id, buf));
}

static bool enc_prefix(cJSON *doc, const char *field, uint32_t addr,
		       uint8_t len)
{
	char buf[MWNL_PREFIX_STRLEN];

	return cJSON_AddStringToObject(doc, field,
				       mwnl_prefix_fmt(addr, len, buf));
}

static bool enc_addr(cJSON *doc, const char *field, uint32_t addr)
{
	char buf[MWNL_PREFIX_STRLEN];

	return cJSON_AddStringToObject(doc, field, mwnl_addr_fmt(addr, buf));
}

static bool enc_port(cJSON *doc, const struct topo_port *p)
{
	char mac[MWNL_MAC_STRLEN];
	bool ok = true;

	if (p->name[0])
		ok &= !!cJSON_AddStringToObject(doc, "name", p->name);
	ok &= enc_uuid(doc, "router", &p->router);
	ok &= !!cJSON_AddStringToObject(doc, "kind",
					topo_port_kind_str(p->kind));
	if (p->has_mac)
		ok &= !!cJSON_AddStringToObject(doc, "mac",
						mwnl_mac_fmt(p->mac, mac));
	if (p->has_addr)
		ok &= enc_prefix(doc, "addr", p->addr, p->prefixlen);
	if (p->tunnel_key)
		ok &= !!cJSON_AddNumberToObject(doc, "tunnel_key",
						p->tunnel_key);
	if (!mwnl_uuid_is_zero(&p->peer))
		ok &= enc_uuid(doc, "peer", &p->peer);
	ok &= !!cJSON_AddBoolToObject(doc, "admin_up", p->admin_up);
	if (p->vlan)
		ok &= !!cJSON_AddNumberToObject(doc, "vlan", p->vlan);
	if (p->proxy_arp)
		ok &= !!cJSON_AddBoolToObject(doc, "proxy_arp", true);
	return ok;
}

static bool enc_route(cJSON *doc, const struct topo_route *r)
{
	bool ok = true;

	ok &= enc_uuid(doc, "router", &r->router);
	ok &= enc_prefix(doc, "dst", r->dst, r->dst_len);
	if (r->src_len)
		ok &= enc_prefix(doc, "src", r->src, r->src_len);
	ok &= !!cJSON_AddStringToObject(doc, "type", topo_nh_str(r->type));
	if (r->type == MIDWAY_NH_PORT)
		ok &= enc_uuid(doc, "port", &r->port);
	if (r->gateway)
		ok &= enc_addr(doc, "gateway", r->gateway);
	ok &= !!cJSON_AddNumberToObject(doc, "weight", r->weight);
	return ok;
}

char *topo_encode(const struct topo_obj *o)
{
	cJSON *doc = cJSON_CreateObject();
	char *s = NULL;
	bool ok;

	if (!doc)
		return NULL;
	ok = !!cJSON_AddStringToObject(doc, "version", TOPO_VERSION);
	switch (o->kind) {
	case TOPO_ROUTER:
		if (o->router.name[0])
			ok &= !!cJSON_AddStringToObject(doc, "name",
							o->router.name);
		ok &= !!cJSON_AddBoolToObject(doc, "admin_up",
					      o->router.admin_up);
		break;
	case TOPO_PORT:
		ok &= enc_port(doc, &o->port);
		break;
	case TOPO_ROUTE:
		ok &= enc_route(doc, &o->route);
		break;
	case TOPO_HOST:
		ok &= !!cJSON_AddStringToObject(doc, "name", o->host.name);
		break;
	case TOPO_ALIVE:
		ok &= !!cJSON_AddStringToObject(doc, "name", o->host.name);
		ok &= enc_addr(doc, "addr", o->host.addr);
		break;
	case TOPO_BINDING:
		ok &= enc_uuid(doc, "host", &o->binding.host);
		ok &= !!cJSON_AddStringToObject(doc, "interface",
						o->binding.ifname);
		break;
	case TOPO_KEY:
		ok &= enc_uuid(doc, "port", &o->tkey.port);
		break;
	case TOPO_ACTIVE:
		ok &= enc_uuid(doc, "host", &o->active.host);
		break;
	default:
		ok = false;
	}
	if (ok)
		s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return s;
}

/* The set ----------------------------------------------------------------- */

struct topo {
	void	*root[TOPO_NKINDS];	/* tsearch trees of struct topo_obj */
	size_t	count[TOPO_NKINDS];
	/* The journal of changes (topo_track): tsearch trees of strings. */
	bool	track[TOPO_NKINDS];
	bool	overflow[TOPO_NKINDS];
	void	*changed[TOPO_NKINDS];
	size_t	n_changed[TOPO_NKINDS];
};

static int str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void note_change(struct topo *t, enum topo_kind kind, const char *node)
{
	char *s, **slot;

	if (!t->track[kind] || t->overflow[kind])
		return;
	s = strdup(node);
	slot = s ? tsearch(s, &t->changed[kind], str_cmp) : NULL;
	if (!slot) {
		free(s);
		t->overflow[kind] = true;
		return;
	}
	if (*slot != s)
		free(s);	/* noted already */
	else
		t->n_changed[kind]++;
}

void topo_track(struct topo *t, enum topo_kind kind)
{
	t->track[kind] = true;
}

struct take {
	char **v;
	size_t n;
};

static void take_one(const void *p, VISIT which, void *closure)
{
	struct take *tk = closure;

	if (which == postorder || which == leaf)
		tk->v[tk->n++] = *(char *const *)p;
}

static void no_free(void *p)
{
	(void)p;	/* the strings now belong to the caller */
}

char **topo_take_changed(struct topo *t, enum topo_kind kind, size_t *n,
			 bool *overflow)
{
	struct take tk = { NULL, 0 };

	*overflow = t->overflow[kind];
	t->overflow[kind] = false;
	if (t->n_changed[kind]) {
		tk.v = malloc(t->n_changed[kind] * sizeof(*tk.v));
		if (tk.v) {
			twalk_r(t->changed[kind], take_one, &tk);
			tdestroy(t->changed[kind], no_free);
		} else {
			*overflow = true;
			tdestroy(t->changed[kind], free);
		}
	}
	t->changed[kind] = NULL;
	t->n_changed[kind] = 0;
	*n = tk.n;
	return tk.v;
}

static int obj_cmp(const void *a, const void *b)
{
	return strcmp(((const struct topo_obj *)a)->node,
		      ((const struct topo_obj *)b)->node);
}

struct topo *topo_new(void)
{
	return calloc(1, sizeof(struct topo));
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	for (int k = 0; k < TOPO_NKINDS; k++) {
		tdestroy(t->root[k], free);
		tdestroy(t->changed[k], free);
	}
	free(t);
}

int topo_put(struct topo *t, const struct topo_obj *o)
{
	struct topo_obj *n = malloc(sizeof(*n));
	struct topo_obj **slot;

	if (!n)
		return -ENOMEM;
	*n = *o;
	slot = tsearch(n, &t->root[o->kind], obj_cmp);
	if (!slot) {
		free(n);
		return -ENOMEM;
	}
	if (*slot != n) {
		**slot = *o;	/* replace in place */
		free(n);
	} else {
		t->count[o->kind]++;
	}
	note_change(t, o->kind, o->node);
	return 0;
}

bool topo_del(struct topo *t, enum topo_kind kind, const char *node)
{
	struct topo_obj key, **slot, *o;

	if (strlen(node) >= sizeof(key.node))
		return false;
	strcpy(key.node, node);
	slot = tfind(&key, &t->root[kind], obj_cmp);
	if (!slot)
		return false;
	o = *slot;
	tdelete(&key, &t->root[kind], obj_cmp);
	free(o);
	t->count[kind]--;
	note_change(t, kind, node);
	return true;
}

const struct topo_obj *topo_get(const struct topo *t, enum topo_kind kind,
				const char *node)
{
	struct topo_obj key;
	struct topo_obj *const *slot;

	if (strlen(node) >= sizeof(key.node))
		return NULL;
	strcpy(key.node, node);
	slot = tfind(&key, &t->root[kind], obj_cmp);
	return slot ? *slot : NULL;
}

const struct topo_obj *topo_get_id(const struct topo *t, enum topo_kind kind,
				   const struct mwnl_uuid *id)
{
	char buf[MWNL_UUID_STRLEN];

	return topo_get(t, kind, mwnl_uuid_fmt(id, buf));
}

size_t topo_count(const struct topo *t, enum topo_kind kind)
{
	return t->count[kind];
}

struct walk {
	int (*fn)(const struct topo_obj *o, void *arg);
	void *arg;
	int ret;
};

static void walk_one(const void *node, VISIT which, void *closure)
{
	struct walk *w = closure;

	if (w->ret || (which != postorder && which != leaf))
		return;
	w->ret = w->fn(*(struct topo_obj *const *)node, w->arg);
}

int topo_walk(const struct topo *t, enum topo_kind kind,
	      int (*fn)(const struct topo_obj *o, void *arg), void *arg)
{
	struct walk w = { .fn = fn, .arg = arg };

	twalk_r(t->root[kind], walk_one, &w);
	return w.ret;
}

struct collect {
	const struct topo_obj **v;
	size_t n;
};

static int collect_one(const struct topo_obj *o, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = o;
	return 0;
}

const struct topo_obj **topo_list(const struct topo *t, enum topo_kind kind,
				  size_t *n)
{
	struct collect c = { .v = malloc((t->count[kind] + 1) * sizeof(*c.v)) };

	*n = 0;
	if (!c.v)
		return NULL;
	topo_walk(t, kind, collect_one, &c);
	*n = c.n;
	return c.v;
}

/* References -------------------------------------------------------------- */

static int chk_fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, TOPO_ERR_MAX, fmt, ap);
	va_end(ap);
	return -ENOENT;
}

int topo_check(const struct topo *t, const struct topo_obj *o,
	       char err[TOPO_ERR_MAX])
{
	char buf[MWNL_UUID_STRLEN];
	const struct topo_obj *r;

	err[0] = '\0';
	switch (o->kind) {
	case TOPO_PORT:
		if (!topo_get_id(t, TOPO_ROUTER, &o->port.router))
			return chk_fail(err, "router %s does not exist",
					mwnl_uuid_fmt(&o->port.router, buf));
		if (mwnl_uuid_is_zero(&o->port.peer))
			return 0;
		r = topo_get_id(t, TOPO_PORT, &o->port.peer);
		if (!r)
			return chk_fail(err, "peer %s does not exist",
					mwnl_uuid_fmt(&o->port.peer, buf));
		if (r->port.kind != MIDWAY_PORT_KIND_INTERIOR ||
		    !mwnl_uuid_eq(&r->port.peer, &o->id)) {
			chk_fail(err, "peer %s does not name this port back",
				 mwnl_uuid_fmt(&o->port.peer, buf));
			return -EINVAL;
		}
		if (mwnl_uuid_eq(&r->port.router, &o->port.router)) {
			chk_fail(err, "peer %s is on the same router",
				 mwnl_uuid_fmt(&o->port.peer, buf));
			return -EINVAL;
		}
		return 0;
	case TOPO_ROUTE:
		if (!topo_get_id(t, TOPO_ROUTER, &o->route.router))
			return chk_fail(err, "router %s does not exist",
					mwnl_uuid_fmt(&o->route.router, buf));
		if (o->route.type != MIDWAY_NH_PORT)
			return 0;
		r = topo_get_id(t, TOPO_PORT, &o->route.port);
		if (!r)
			return chk_fail(err, "port %s does not exist",
					mwnl_uuid_fmt(&o->route.port, buf));
		if (!mwnl_uuid_eq(&r->port.router, &o->route.router)) {
			chk_fail(err, "port %s is not on the route's router",
				 mwnl_uuid_fmt(&o->route.port, buf));
			return -EINVAL;
		}
		return 0;
	case TOPO_BINDING:
		r = topo_get_id(t, TOPO_PORT, &o->id);
		if (!r)
			return chk_fail(err, "port %s does not exist", o->node);
		if (r->port.kind != MIDWAY_PORT_KIND_EXTERIOR) {
			chk_fail(err, "port %s is not an exterior port",
				 o->node);
			return -EINVAL;
		}
		if (!topo_get_id(t, TOPO_HOST, &o->binding.host) &&
		    !topo_get_id(t, TOPO_ALIVE, &o->binding.host))
			return chk_fail(err, "host %s is not known",
					mwnl_uuid_fmt(&o->binding.host, buf));
		return 0;
	case TOPO_KEY:
		r = topo_get_id(t, TOPO_PORT, &o->tkey.port);
		if (!r || r->port.tunnel_key != o->key)
			return chk_fail(err, "key %u is not port %s's", o->key,
					mwnl_uuid_fmt(&o->tkey.port, buf));
		return 0;
	default:
		return 0;
	}
}

bool topo_port_active(const struct topo *t, const struct mwnl_uuid *port,
		      struct mwnl_uuid *host)
{
	const struct topo_obj *a = topo_get_id(t, TOPO_ACTIVE, port);
	const struct topo_obj *b = topo_get_id(t, TOPO_BINDING, port);

	if (!a || !b || !mwnl_uuid_eq(&a->active.host, &b->binding.host))
		return false;
	if (host)
		*host = a->active.host;
	return true;
}

bool topo_port_usable(const struct topo *t, const struct topo_obj *port)
{
	if (!port->port.admin_up)
		return false;
	if (port->port.kind == MIDWAY_PORT_KIND_INTERIOR)
		return true;
	return topo_port_active(t, &port->id, NULL);
}
